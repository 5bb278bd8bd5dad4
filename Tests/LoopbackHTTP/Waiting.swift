import Foundation

/// Runs `work` on a thread of its own and awaits its result.
///
/// Tests that wait for a child process, or read a pipe, use this instead of blocking where
/// they are: the cooperative pool has one thread per core (two on CI), and a test holding
/// one stalls every other suite's tasks, which then see their own timers fire late.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Polls `condition` until it holds or `timeout` passes. The timeout is generous: it only
/// bounds a failing test, and a loaded machine can be slow to get there.
public func eventually(timeout: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
