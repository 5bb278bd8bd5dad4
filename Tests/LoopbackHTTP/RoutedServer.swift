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
        /// Holds the connection unanswered until the client gives up, the test sets the path
        /// to another route (which then answers it), or the server's hold limit (20 s by
        /// default) passes.
        case hang
    }

    /// What the server did, in the order it did it.
    public enum Event: Sendable, Equatable {
        /// A request for this path was answered (any route but `.hang`).
        case answered(String)
        /// A `.hang` on this path ended.
        case hangEnded(String, Hang)
    }

    /// How a `.hang` ended, as the server saw it: a client's time cap seen from outside,
    /// whatever the client's own threads were busy with.
    public struct Hang: Sendable, Equatable {
        public enum End: Sendable, Equatable {
            /// The client hung up.
            case clientHungUp
            /// The test set the path to another route, which answered.
            case released
            /// The server's own hold limit ran out, or the server stopped.
            case expired
        }

        /// How long the connection was held.
        public let held: Duration
        public let end: End
    }

    /// The server underneath, for its URLs and counters.
    public let server: LoopbackServer
    private let routes: RouteTable

    /// The routes, shared with the server's connection threads.
    private final class RouteTable: Sendable {
        let routes: Mutex<[String: Route]>
        let events = Mutex<[Event]>([])

        init(_ routes: [String: Route]) {
            self.routes = Mutex(routes)
        }
    }

    /// Starts a server answering `routes`, keyed by path (without the query). A `.hang`
    /// is held at most `holdLimit`: a bound for a failing test, so a test that needs the
    /// hang held while much else happens on a loaded machine may pass a longer one.
    /// `host` is the loopback address bound (see ``LoopbackServer/host``).
    public init(_ routes: [String: Route] = [:], host: String = "127.0.0.1", holdLimit: Duration = .seconds(20)) throws {
        let table = RouteTable(routes)
        self.routes = table
        server = try LoopbackServer(host: host) { request, connection in
            let route = table.routes.withLock { $0[request.path] } ?? .status(404)
            guard case .hang = route else {
                Self.answer(request, on: connection, with: route)
                table.events.withLock { $0.append(.answered(request.path)) }
                return
            }
            let started = ContinuousClock.now
            let end = Self.hold(request, on: connection, routes: table, limit: holdLimit)
            connection.close()
            let hang = Hang(held: ContinuousClock.now - started, end: end)
            table.events.withLock { $0.append(.hangEnded(request.path, hang)) }
        }
    }

    /// Everything answered and every hang ended so far, in order.
    public var events: [Event] { routes.events.withLock { $0 } }

    /// How each `.hang` request ended.
    ///
    /// The server notices a hang-up up to a poll interval after the client has moved on, so
    /// this waits (up to 15 s, less than a default hold's 20 s) for `count` of them to be recorded.
    public func hangs(count: Int = 1) async -> [Hang] {
        func ended() -> [Hang] {
            events.compactMap { if case .hangEnded(_, let hang) = $0 { hang } else { nil } }
        }
        _ = await eventually(timeout: .seconds(15)) { ended().count >= count }
        return ended()
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

    /// Holds a `.hang` request until the client hangs up, its path is set to another route
    /// (which answers it), or `limit` passes.
    private static func hold(
        _ request: LoopbackServer.Request, on connection: Connection, routes table: RouteTable, limit: Duration
    ) -> Hang.End {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, !connection.server.isStopped {
            if connection.waitForPeerClose(timeout: .milliseconds(100)) { return .clientHungUp }
            let route = table.routes.withLock { $0[request.path] } ?? .status(404)
            if case .hang = route { continue }
            answer(request, on: connection, with: route)
            return .released
        }
        return .expired
    }

    /// How many requests have been answered so far (held ones excluded until released).
    public var answered: Int {
        events.count { if case .answered = $0 { true } else { false } }
    }

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
