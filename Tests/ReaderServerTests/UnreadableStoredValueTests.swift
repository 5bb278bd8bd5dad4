import Foundation
import GRDB
import ReaderModels
@testable import ReaderServer
import Testing

/// A stored enum value this build does not know stops the read with an error naming table,
/// column and value, instead of being served as a default.
@Suite struct UnreadableStoredValueTests {
    @Test func unknownSourceKindFailsThePullNamingIt() async throws {
        let server = try TestServer()
        _ = try await server.addUser("ada")
        try await server.importArticles(1)
        try await server.repository.pool.write { db in try db.execute(sql: "UPDATE sources SET kind = 'podcast'") }
        let id = try await server.repository.pool.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM users") }
        let ada = UserAccount(id: try #require(id), name: "ada")
        let error = await #expect(throws: UnreadableStoredValue.self) {
            _ = try await server.repository.changes(for: ada, since: 0, limit: 100, maxBytes: 1 << 20)
        }
        #expect(error == UnreadableStoredValue(table: "sources", column: "kind", value: "podcast"))
    }

    @Test func unknownChangeEntityFailsThePullNamingIt() async throws {
        let server = try TestServer()
        _ = try await server.addUser("ada")
        try await server.importArticles(1)
        try await server.repository.pool.write { db in try db.execute(sql: "UPDATE changes SET entity = 'video'") }
        let id = try await server.repository.pool.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM users") }
        let ada = UserAccount(id: try #require(id), name: "ada")
        let error = await #expect(throws: UnreadableStoredValue.self) {
            _ = try await server.repository.changes(for: ada, since: 0, limit: 100, maxBytes: 1 << 20)
        }
        #expect(error?.table == "changes" && error?.column == "entity" && error?.value == "video")
        #expect(error?.description.contains("changes.entity = 'video'") == true)
    }

    @Test func aGarbledStoredStampFailsThePullInsteadOfBecomingZero() async throws {
        let server = try TestServer()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            let (pushed, _) = try await client.push([Make.subscribe("s1", url: "https://example.com/feed.xml", true, at: 10)], token: token)
            #expect(pushed.results.map(\.status) == [.applied])
        }
        try await server.repository.pool.write { db in try db.execute(sql: "UPDATE subscriptions SET hlc = 'garbled'") }
        let id = try await server.repository.pool.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM users") }
        let ada = UserAccount(id: try #require(id), name: "ada")
        let error = await #expect(throws: UnreadableStoredValue.self) {
            _ = try await server.repository.changes(for: ada, since: 0, limit: 100, maxBytes: 1 << 20)
        }
        #expect(error == UnreadableStoredValue(table: "subscriptions", column: "hlc", value: "garbled"))
    }
}
