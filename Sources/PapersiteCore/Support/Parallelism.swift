import Dispatch
import Foundation
import Synchronization

/// How many threads the build's parallel stages use. The output never
/// depends on it: every stage writes its results by index, and a test
/// compares one thread with all cores.
public struct Parallelism: Sendable, Hashable {
    /// 0 means one thread per core.
    public let threads: Int

    public init(threads: Int) {
        self.threads = max(0, threads)
    }

    public static let allCores = Parallelism(threads: 0)
    public static let serial = Parallelism(threads: 1)

    var effectiveThreads: Int {
        threads == 0 ? ProcessInfo.processInfo.activeProcessorCount : threads
    }

    /// Runs `body` for 0..<count, on up to `threads` threads.
    func forEach(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(effectiveThreads, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        // Workers take the next few indices from a shared counter, so uneven
        // items (a huge abstract) do not leave a thread idle; a few at a
        // time, so that tens of thousands of small items (a fingerprint
        // each) do not wait on the counter's lock.
        let next = AtomicCounter()
        let step = max(1, min(32, count / (workers * 64)))
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendableClosure(body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let start = next.add(step)
                    if start >= count { break }
                    for i in start..<min(start + step, count) { box.body(i) }
                }
            }
        }
    }

    /// Runs independent pieces of work at the same time (each may use all
    /// cores itself), and returns when all are done. Each piece is run by
    /// the first thread to claim it: this one, or a thread of libdispatch's
    /// pool, asked for as many as there are cores besides this one. The
    /// pool has a thread per core and adds more only after a while, so a
    /// piece no pool thread has come for is run here once this thread is
    /// free, not waited for (an edit's index stage, three pieces on two
    /// cores, waited for its longest piece to start until another ended).
    /// (Not as the iterations of one `forEach`: libdispatch gives work
    /// nested in its iterations a share of the cores, so each piece's own
    /// parallel work ran on one core.)
    func concurrently(_ work: () -> Void...) {
        guard effectiveThreads > 1, work.count > 1 else { return work.forEach { $0() } }
        let pieces = ClaimedPieces(work.map(UnsafeSendablePiece.init))
        for _ in 1..<min(work.count, effectiveThreads) {
            DispatchQueue.global().async { pieces.runUnclaimed() }
        }
        pieces.runUnclaimed()
        pieces.waitUntilDone()
    }

    /// `(0..<count).map(transform)`, computed in parallel, in order. Each
    /// value goes straight into its place in the array.
    func map<T>(_ count: Int, _ transform: (Int) -> T) -> [T] {
        Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = UnsafeSendableBuffer(buffer)
            forEach(count) { i in (slots.buffer.baseAddress! + i).initialize(to: transform(i)) }
            initialized = count
        }
    }
}

/// A counter handing out work indices, and counting work done (every file
/// of a build takes an index and counts itself): one atomic add, no lock.
final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    func increment() -> Int { add(1) }

    /// Adds `n`; returns the value before.
    func add(_ n: Int) -> Int {
        value.wrappingAdd(n, ordering: .relaxed).oldValue
    }
}

/// Carries one piece of `concurrently` to the thread that runs it;
/// `concurrently` waits for every piece before returning.
struct UnsafeSendablePiece: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// The pieces of one `concurrently`, claimed in order by the threads that
/// run them. A pool thread that comes after all are claimed leaves at once.
final class ClaimedPieces: Sendable {
    private let pieces: [UnsafeSendablePiece]
    private let next = AtomicCounter()
    private let done = DispatchGroup()

    init(_ pieces: [UnsafeSendablePiece]) {
        self.pieces = pieces
        for _ in pieces { done.enter() }
    }

    func runUnclaimed() {
        while case let i = next.increment(), i < pieces.count {
            pieces[i].body()
            done.leave()
        }
    }

    func waitUntilDone() { done.wait() }
}

/// Carries a non-escaping closure into `concurrentPerform`, which runs it
/// before returning.
struct UnsafeSendableClosure: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}

/// Lets parallel workers fill distinct slots of one buffer.
struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
    subscript(i: Int) -> Element {
        get { buffer[i] }
        nonmutating set { buffer[i] = newValue }
    }
}

/// Values made on first use, from any thread, each at most once: `value(i)`
/// makes slot `i` with `make` if it is empty. Slots are guarded by a few
/// striped locks, so threads making different values rarely wait. With
/// `retains: false` a made value is not kept: it is stored elsewhere (the
/// build cache) by `make`, and later uses read it back with `load`, so
/// that a large site's rendered text is not all in memory at once.
final class LazyValues<Value>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Value?>
    private let made: UnsafeMutablePointer<Bool>
    let count: Int
    let retains: Bool
    private let locks = (0..<64).map { _ in NSLock() }

    /// (Values not retained get no slots: at a million papers the slots
    /// of rendered papers alone were 0.1 GB, all empty.)
    init(count: Int, retains: Bool = true) {
        self.count = count
        self.retains = retains
        let slotCount = retains ? count : 0
        slots = .allocate(capacity: max(1, slotCount))
        slots.initialize(repeating: nil, count: slotCount)
        made = .allocate(capacity: max(1, count))
        made.initialize(repeating: false, count: count)
    }

    deinit {
        slots.deinitialize(count: retains ? count : 0)
        slots.deallocate()
        made.deallocate()
    }

    func value(_ i: Int, load: () -> Value? = { nil }, make: () -> Value) -> Value {
        let lock = locks[i & 63]
        lock.lock()
        defer { lock.unlock() }
        if retains, let value = slots[i] { return value }
        if made[i], let value = load() { return value }
        let value = make()
        if retains { slots[i] = value } else { made[i] = true }
        return value
    }
}
