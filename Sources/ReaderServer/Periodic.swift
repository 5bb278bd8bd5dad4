import ServiceLifecycle

/// Runs `pass` at once and again `interval` after each pass ends, until the service group
/// shuts down; a pass under way then is cancelled. What the server's background services
/// (feed refresh, retention) share.
func repeatUntilShutdown(every interval: Duration, _ pass: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            await pass()
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }
}
