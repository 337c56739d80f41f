import Foundation

/// A value made on another thread, waited for when first needed.
final class Background<Value>: @unchecked Sendable {
    private var result: Value?
    private let done = DispatchGroup()

    init(_ work: @escaping @Sendable () -> Value) {
        done.enter()
        DispatchQueue.global().async {
            self.result = work()          // (read only after `done`)
            self.done.leave()
        }
    }

    var value: Value {
        done.wait()
        return result!
    }
}
