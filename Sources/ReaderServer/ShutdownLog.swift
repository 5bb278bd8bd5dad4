import Logging
import ServiceLifecycle

/// Writes one `notice` line when the service group starts a graceful shutdown (SIGTERM or
/// SIGINT): ServiceLifecycle says so only at `debug`, and an operator reading the log wants
/// to see why requests stopped. Added last, so it hears of the shutdown first.
struct ShutdownLogService: Service {
    let logger: Logger

    func run() async throws {
        // Cancelled instead (the group failed): the line is still worth writing.
        try? await gracefulShutdown()
        logger.notice("shutting down: requests under way finish, then the services stop", metadata: ["event": "shutdown"])
    }
}
