import Foundation

/// A value guarded by a lock, for the little mutable state the server shares between
/// requests that runs inside synchronous database transactions (where an actor cannot be awaited).
// @unchecked Sendable because every read and write of `value` happens inside `lock`.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
