import ArgumentParser
import Foundation
import Hummingbird
import ReaderServer

/// `reader-server serve --db PATH [--host H] [--port N] [--tombstone-days D] [--refresh-interval S]`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the sync API.",
        discussion: """
            The first line on standard output is the base URL, e.g. http://127.0.0.1:54321 \
            (with --port 0 the port is a free one). One JSON line per request goes to standard error.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The interface to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(name: .customLong("tombstone-days"), help: "How many days deleted notes stay in the change feed.")
    var tombstoneDays = 30

    @Option(
        name: .customLong("refresh-interval"),
        help: ArgumentHelp("Seconds between refreshes of the subscribed feeds; 0 turns them off.", valueName: "seconds")
    )
    var refreshInterval = 900

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard tombstoneDays >= 0 else { throw ValidationError("--tombstone-days must be 0 or more") }
        guard refreshInterval >= 0 else { throw ValidationError("--refresh-interval must be 0 or more") }
    }

    func run() async throws {
        let configuration = ServerConfiguration(
            databasePath: database.db, host: host, port: port, tombstoneDays: tombstoneDays,
            refreshIntervalSeconds: refreshInterval
        )
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let app = try buildApplication(configuration) { port in
            // Written straight to the file descriptor: a script waiting for the URL must not
            // wait for a buffer to fill.
            FileHandle.standardOutput.write(Data("http://\(shownHost):\(port)\n".utf8))
        }
        try await app.runService()
    }
}
