import Foundation
import Synchronization
import Testing
@testable import PapersiteCore

/// `concurrently` runs each piece once and returns when all are done,
/// with more pieces than threads, and with one thread.
@Suite struct ParallelismTests {
    @Test(arguments: [1, 2, 4])
    func everyPieceRunsOnceBeforeConcurrentlyReturns(threads: Int) {
        let runs = Mutex([Int](repeating: 0, count: 5))
        func piece(_ k: Int) -> () -> Void {
            { usleep(UInt32(1_000 * (5 - k))); runs.withLock { $0[k] += 1 } }
        }
        Parallelism(threads: threads).concurrently(piece(0), piece(1), piece(2), piece(3), piece(4))
        #expect(runs.withLock { $0 } == [1, 1, 1, 1, 1])
    }
}
