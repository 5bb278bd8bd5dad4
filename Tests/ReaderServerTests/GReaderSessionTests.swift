import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import ReaderServer
import Testing

/// How long a GReader session lives.
@Suite struct GReaderSessionTests {
    /// Sessions end after 30 idle days; one in use is renewed; ended ones are purged.
    @Test func anIdleSessionEndsAndOneInUseIsRenewed() async throws {
        let server = try await GReaderTests.server(articles: 0)
        try await server.app.test(.router) { client in
            var idle = GReaderTestClient(client)
            try await idle.login("ada", "ada-pass")
            var busy = GReaderTestClient(client)
            try await busy.login("bob", "bob-pass")
            for _ in 0..<3 {
                server.clock.advance(days: 20)
                #expect(try await busy.request(.get, "/reader/api/0/user-info").status == .ok, "renewed by use")
            }
            #expect(try await idle.request(.get, "/reader/api/0/user-info").status == .unauthorized, "60 idle days")
            let sessions = { try await server.repository.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM greader_sessions") } }
            #expect(try await sessions() == 2, "kept until the next login")
            try await idle.login("ada", "ada-pass")
            #expect(try await sessions() == 2, "the ended one purged, the new one and bob's kept")
            #expect(try await idle.request(.get, "/reader/api/0/user-info").status == .ok)
        }
    }
}
