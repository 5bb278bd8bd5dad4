import Foundation
import GRDB
import ReaderModels
@testable import ReaderServer
import Testing

/// A database written by a server before the clock bound, holding stamps from the far
/// future (and one that overflowed to 17 digits), is repaired when opened: every page can be
/// read and is within the bound, and a later edit of a poisoned field wins.
@Suite struct StampRepairTests {
    @Test func stampsFromBeforeTheBoundAreRepairedOnOpen() async throws {
        let server = try TestServer()
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        let article = TestServer.articleID(0)
        let user = try #require(try await server.repository.authenticate(token: token))
        let first = try await server.repository.push(PushRequest(clientID: "device-a", mutations: [
            Make.state("s1", article: article, ["starred": .bool(true)], at: 10),
            Make.createNote("c1", note: "note-1", article: article, body: "text", at: 10),
            Make.subscribe("u1", url: "https://feed.example/rss", true, at: 10),
        ]), for: user)
        #expect(first.results.count == 3)

        // What an unbounded server was left holding.
        let path = server.folder.appendingPathComponent("server.sqlite").path
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: """
                UPDATE article_states SET starred_hlc = '9999999999999999-ffff-x';
                UPDATE notes SET body_hlc = '10000000000000000-0002-server';
                UPDATE subscriptions SET hlc = '9999999999999999-ffff-x';
                UPDATE server_state SET value = '10000000000000000-0002-server' WHERE key = 'clock';
                DELETE FROM grdb_migrations WHERE identifier = 'v4-stamps-within-bound';
                """)
        }

        let reopened = try SQLiteSyncRepository(path: path)
        let now = ServerClock.systemMillis()
        let page = try await reopened.changes(for: user, since: 0, limit: 100, maxBytes: 1 << 20)
        let stamps = page.changes.flatMap { change -> [HLC] in
            switch change.change {
            case .articleState(let record): [record.hlc.read, record.hlc.starred, record.hlc.progress, record.hlc.tags].compactMap { $0 }
            case .note(let record): [record.bodyHLC] + (record.anchorHLC.map { [$0] } ?? [])
            case .subscription(let record): [record.hlc]
            default: []
            }
        } + [page.serverHLC]
        #expect(stamps.count >= 4)
        #expect(!stamps.contains { $0.isTooFarAhead(of: now) }, "\(stamps)")

        let later = try await reopened.push(PushRequest(clientID: "device-b", mutations: [
            WireMutation(
                id: "s2", entity: .articleState, entityID: article, op: .set, baseRevision: nil,
                fields: ["starred": .bool(false)], hlc: HLC(wallMillis: now + 1_000, counter: 0, node: "device-b")
            ),
        ]), for: user)
        let outcome = try #require(later.results.first)
        let result = try JSONDecoder().decode(MutationResult.self, from: outcome)
        guard case .articleState(let state)? = result.outcome else { throw TestFailure("no state in \(result)") }
        #expect(result.status == .applied)
        #expect(state.starred == false, "the later edit wins")
    }
}
