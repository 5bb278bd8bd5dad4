import ContractSupport
import Foundation
import HummingbirdTesting
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import Testing

@Suite struct PullTests {
    @Test func firstPullHasSourcesBeforeTheirArticlesWithClientIDs() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        let report = try await server.importArticles(3)
        #expect(report.new == 3)
        try await server.app.test(.router) { client in
            let (changes, cursor) = try await client.pullAll(token: token, limit: 100)
            #expect(changes.map(\.change.entity) == [.source, .article, .article, .article])
            #expect(changes.map(\.seq) == changes.map(\.seq).sorted())
            #expect(cursor == String(changes.last?.seq ?? 0))
            guard case .article(let article) = changes[1].change, case .source(let source) = changes[0].change else {
                Issue.record("expected a source then an article")
                return
            }
            #expect(article.id == TestServer.articleID(0))
            #expect(article.sourceID == source.id)
            #expect(source.id == Fingerprint.sourceID(key: source.key))
            #expect(article.text.contains("quoted") && article.text.contains("\\"))
            let again = try await client.pullAll(token: token, since: cursor, limit: 100)
            #expect(again.changes.isEmpty && again.cursor == cursor)
        }
    }

    @Test func reimportWithChangedContentUpdatesWithoutDuplicate() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(3)
        let same = try await server.importArticles(3)
        #expect(same.new == 0 && same.updated == 0 && same.unchanged == 3)
        try await server.app.test(.router) { client in
            let first = try await client.pullAll(token: token, limit: 100)
            let changed = try await server.importArticles(1, start: 1, revision: " (corrected)")
            #expect(changed.updated == 1 && changed.new == 0)
            let next = try await client.pullAll(token: token, since: first.cursor, limit: 100)
            #expect(next.changes.count == 1)
            guard case .article(let article)? = next.changes.first?.change else {
                Issue.record("expected the updated article")
                return
            }
            #expect(article.id == TestServer.articleID(1))
            #expect(article.title == "Article 1 (corrected)")
            let everything = try await client.pullAll(token: token, limit: 100)
            #expect(everything.changes.count == 4, "one source and three articles, each once")
            #expect(Set(everything.changes.map(\.change.id)).count == 4)
        }
    }

    /// Pages of one change reach the same state as one big page.
    @Test func pagesOfOneGiveTheSameStateAsOnePage() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(4)
        try await server.app.test(.router) { client in
            let article = TestServer.articleID(0)
            _ = try await client.push([
                Make.state("s1", article: article, ["read": .bool(true), "tags": .array([.string("b"), .string("a")])], at: 10),
                Make.createNote("n1", note: "note-1", article: article, body: "first", at: 11),
                Make.createNote("n2", note: "note-2", article: article, body: "second", at: 12),
                Make.subscribe("u1", url: "https://feed.example/rss", true, at: 13),
            ], token: token)
            _ = try await client.push([Make.deleteNote("n3", note: "note-2", base: 1, at: 14)], token: token)
            let big = try await client.pullAll(token: token, limit: 1000)
            let small = try await client.pullAll(token: token, limit: 1)
            #expect(Self.state(big.changes) == Self.state(small.changes))
            #expect(big.cursor == small.cursor)
            #expect(big.changes.contains { $0.change == .tombstone(.note, id: "note-2") })
        }
    }

    @Test func cursorOlderThanThePurgeHorizonGets410() async throws {
        let server = try await TestServer.onTestEngine(tombstoneDays: 30)
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        try await server.app.test(.router) { client in
            let article = TestServer.articleID(0)
            let start = try await client.pullAll(token: token, limit: 100)
            _ = try await client.push([Make.createNote("n1", note: "note-1", article: article, body: "x", at: 1)], token: token)
            _ = try await client.push([Make.deleteNote("n2", note: "note-1", base: 1, at: 2)], token: token)
            server.clock.advance(days: 10)
            #expect(try await server.store.purgeTombstones().notes == 0, "a young tombstone stays")
            server.clock.advance(days: 31)
            let purge = try await server.store.purgeTombstones()
            #expect(purge.notes == 1)
            let expired = try await client.send(.get, "/v1/changes?since=\(start.cursor)", token: token)
            #expect(expired.status == .gone)
            try Contract.validate(expired.data, against: "error")
            #expect(try JSONDecoder().decode(APIErrorEnvelope.self, from: expired.data).error.code == .cursorExpired)
            let fresh = try await client.pullAll(token: token, limit: 100)
            #expect(!fresh.changes.contains { $0.change.entity == .note }, "the purged note is gone entirely")
            let current = try await client.send(.get, "/v1/changes?since=\(fresh.cursor)", token: token)
            #expect(current.status == .ok, "a cursor from a full pull is past the horizon")
        }
    }

    /// The hand-written page JSON decodes to the same page `JSONEncoder`'s does.
    @Test func handWrittenPageMatchesJSONEncoder() throws {
        let stamp = HLC(wallMillis: 1_764_000_000_000, counter: 3, node: "dev \"x\"")
        let page = ChangePage(changes: [
            SequencedChange(seq: 1, change: .source(SourceRecord(id: "0123456789ab", key: "k", kind: .jsonFeed, title: "T", siteURL: nil, feedURL: "f"))),
            SequencedChange(seq: 2, change: .article(ArticleRecord(
                id: "0123456789abcdef", sourceID: "0123456789ab", guid: "g", url: nil, title: "Tab\there \u{1}",
                author: "Å", publishedAt: "2026-11-24T10:00:00.000Z", updatedAt: nil, summary: "line\nbreak",
                html: "<p>\"q\" \\ /</p>", text: "😀", contentHash: String(repeating: "a", count: 64),
                firstSeenAt: "2026-11-24T10:00:00.000Z"
            ))),
            SequencedChange(seq: 3, change: .articleState(ArticleStateRecord(
                articleID: "0123456789abcdef", read: true, starred: false, progress: 0.3, tags: ["x"], hlc: StateStamps(read: stamp)
            ))),
            SequencedChange(seq: 4, change: .note(NoteRecord(
                id: "n", articleID: "0123456789abcdef", anchor: TextQuoteSelector(exact: "e", prefix: "p", suffix: "s"), body: "b",
                createdAt: "c", updatedAt: "2026-11-24T10:00:00.000Z", revision: 2, conflicted: true, bodyHLC: stamp, anchorHLC: nil
            ))),
            SequencedChange(seq: 5, change: .subscription(SubscriptionRecord(url: "u", title: nil, tags: [], subscribed: false, hlc: stamp))),
            SequencedChange(seq: 6, change: .tombstone(.note, id: "gone")),
        ], nextCursor: "6", hasMore: true, serverHLC: stamp)
        let ours = Data(ChangePageJSON.encode(page))
        #expect(try JSONDecoder().decode(ChangePage.self, from: ours) == page)
        let theirs = try JSONEncoder().encode(page)
        #expect(try JSONValue.parse(ours) == JSONValue.parse(theirs))
        try Contract.validate(ours, against: "change-page")
    }

    /// The state a client ends in: the last version of each entity, tombstones removing.
    static func state(_ changes: [SequencedChange]) -> [String: Change] {
        var state: [String: Change] = [:]
        for change in changes {
            let key = change.change.entity.rawValue + "/" + change.change.id
            if case .tombstone = change.change { state[key] = nil } else { state[key] = change.change }
        }
        return state
    }
}
