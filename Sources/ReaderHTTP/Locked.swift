import Foundation

/// A value guarded by a lock: state shared between the transfer loop's thread and tasks here,
/// and, package-wide, state that synchronous code shares (the server's database
/// transactions, the benchmarks' threads), where an actor cannot be awaited.
// @unchecked Sendable because every read and write of `value` happens inside `lock`.
package final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
