import Foundation
import Synchronization

/// A ``LoopbackServer`` whose answer for each path a test scripts, and may change between
/// requests (a feed that breaks, moves or starts hanging). Unknown paths answer 404.
public final class RoutedServer: Sendable {
    /// How a path answers.
    public enum Route: Sendable {
        /// 200 with this body and `Content-Type`, and an `ETag` that makes a request with a
        /// matching `If-None-Match` answer 304 with no body.
        case body([UInt8], contentType: String, etag: String? = nil)
        /// A redirect (301, 302, 307, 308) to another path of this server.
        case redirect(Int, to: String)
        /// A bare status with a short text body.
        case status(Int)
        /// Never answers: holds the connection until the client gives up (or 20 s pass).
        case hang
    }

    /// The server underneath, for its URLs and counters.
    public let server: LoopbackServer
    private let routes: RouteTable

    /// The routes, shared with the server's connection threads.
    private final class RouteTable: Sendable {
        let routes: Mutex<[String: Route]>
        let held = Mutex<[Duration]>([])

        init(_ routes: [String: Route]) {
            self.routes = Mutex(routes)
        }
    }

    /// Starts a server answering `routes`, keyed by path (without the query).
    public init(_ routes: [String: Route] = [:]) throws {
        let table = RouteTable(routes)
        self.routes = table
        server = try LoopbackServer { request, connection in
            let route = table.routes.withLock { $0[request.path] } ?? .status(404)
            guard case .hang = route else { return Self.answer(request, on: connection, with: route) }
            let started = ContinuousClock.now
            _ = connection.waitForPeerClose(timeout: .seconds(20))
            connection.close()
            table.held.withLock { $0.append(ContinuousClock.now - started) }
        }
    }

    /// How long each `.hang` request was held before the client hung up (or 20 s passed), as
    /// the server measured it: a client's time cap seen from outside, whatever the client's
    /// own threads were busy with.
    ///
    /// The server notices a hang-up up to a poll interval after the client has moved on, so
    /// this waits (up to 5 s) for `count` of them to be recorded.
    public func hangs(count: Int = 1) async -> [Duration] {
        let deadline = ContinuousClock.now + .seconds(5)
        while routes.held.withLock({ $0.count }) < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return routes.held.withLock { $0 }
    }

    deinit {
        server.stop()
    }

    /// Sets or replaces the answer for `path`.
    public func set(_ path: String, _ route: Route) {
        routes.routes.withLock { $0[path] = route }
    }

    /// The URL of `path` (which starts with `/`) on this server.
    public func url(_ path: String) -> URL { server.url(path) }

    /// How many requests have arrived so far.
    public var requests: Int { server.statistics.requests }

    private static func answer(_ request: LoopbackServer.Request, on connection: Connection, with route: Route) {
        switch route {
        case .body(let body, let contentType, let etag):
            if let etag, request.header("If-None-Match") == etag {
                return connection.respond(304, [("ETag", etag)])
            }
            var headers = [("Content-Type", contentType)]
            if let etag { headers.append(("ETag", etag)) }
            connection.respond(200, headers, body: body)
        case .redirect(let status, let path):
            connection.respond(status, [("Location", path)], text: "moved")
        case .status(let status):
            connection.respond(status, [("Content-Type", "text/plain")], text: "status \(status)")
        case .hang:
            break
        }
    }
}
