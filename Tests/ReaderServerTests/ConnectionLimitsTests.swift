import Foundation
import Hummingbird
import LoopbackHTTP
import Logging
import PostgresSupport
@testable import ReaderServer
import ServiceLifecycle
import Testing

/// Clients that never finish a request are disconnected, and the server holds no more than
/// its maximum of connections. Real sockets on loopback; the timeouts are short here, and
/// each test waits generously for the server to close, without timing it.
@Suite struct ConnectionLimitsTests {
    /// Runs `body` against a live server with `connections`, giving it the port and a
    /// user's token. No other client connects, so the test counts every connection.
    static func withServer(
        _ connections: ConnectionLimits, _ body: @escaping @Sendable (Int, String) async throws -> Void
    ) async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let app = buildApplication(
            repository: server.store, connections: connections, accessLog: AccessLogSink { _ in },
            onServerRunning: { announce.yield($0) }
        )
        let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(port, token)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    static let health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    @Test func aHeadSentAByteAtATimeIsCutOffAtTheHeaderTimeout() async throws {
        let limits = ConnectionLimits(headerTimeout: .milliseconds(300), bodyTimeout: .seconds(600), idleTimeout: .seconds(600))
        try await Self.withServer(limits) { port, _ in
            let connection = try RawConnection(port: port)
            let cutOff = try await onOwnThread { connection.trickleHeadUntilClosed() }
            #expect(cutOff, "the server kept a head that never ended")
        }
    }

    @Test func aLaterRequestSentAByteAtATimeIsCutOffAtTheHeaderTimeoutToo() async throws {
        let limits = ConnectionLimits(headerTimeout: .milliseconds(300), bodyTimeout: .seconds(600), idleTimeout: .seconds(600))
        try await Self.withServer(limits) { port, _ in
            let connection = try RawConnection(port: port)
            connection.send(Self.health)
            let answer = try await onOwnThread { connection.readResponse() }
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            // The connection may wait for its next request as long as the idle timeout allows,
            // but once that request starts, its head has the header timeout to arrive.
            let cutOff = try await onOwnThread { connection.trickleHeadUntilClosed() }
            #expect(cutOff, "the server kept a second head that never ended")
        }
    }

    @Test func aBodyAnnouncedAndNeverSentIsCutOffAtTheBodyTimeout() async throws {
        let limits = ConnectionLimits(headerTimeout: .seconds(600), bodyTimeout: .milliseconds(300), idleTimeout: .seconds(600))
        try await Self.withServer(limits) { port, token in
            let connection = try RawConnection(port: port, readTimeout: 60)
            connection.send(
                "POST /v1/mutations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"mut"
            )
            let end = try await onOwnThread { connection.readToEnd() }
            #expect(end.closed, "the server kept waiting for a body that never came")
        }
    }

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() async throws {
        let limits = ConnectionLimits(headerTimeout: .seconds(600), bodyTimeout: .seconds(600), idleTimeout: .milliseconds(300))
        try await Self.withServer(limits) { port, _ in
            let connection = try RawConnection(port: port, readTimeout: 60)
            connection.send(Self.health)
            let answer = try await onOwnThread { connection.readResponse() }
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            let end = try await onOwnThread { connection.readToEnd() }
            #expect(end.closed && end.text.isEmpty, "the idle connection stayed open")
        }
    }

    @Test func connectionsOverTheCapAreClosedAndServiceResumesWhenTheyGo() async throws {
        let limits = ConnectionLimits(maxConnections: 4)
        try await Self.withServer(limits) { port, _ in
            // Four kept-alive connections, each with a request answered, so the server has
            // counted all four before the fifth arrives.
            var open: [RawConnection] = []
            for _ in 0..<4 {
                let connection = try RawConnection(port: port)
                connection.send(Self.health)
                let answer = try await onOwnThread { connection.readResponse() }
                #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
                open.append(connection)
            }
            let extra = try RawConnection(port: port)
            extra.send(Self.health)
            let refused = try await onOwnThread { extra.readToEnd() }
            #expect(refused.closed && refused.text.isEmpty, "a fifth connection was served: \(refused.text)")

            open.removeAll()
            var served = false
            for _ in 0..<200 where !served {
                let connection = try RawConnection(port: port)
                connection.send(Self.health)
                served = try await onOwnThread { connection.readResponse() }.hasPrefix("HTTP/1.1 200")
                if !served { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(served, "no request was served after the connections over the cap went")
        }
    }
}
