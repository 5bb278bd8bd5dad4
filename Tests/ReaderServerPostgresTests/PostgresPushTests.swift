import Foundation
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// Pushes on PostgreSQL: the SQLite engine's rules (Resolver, the library) and exactly-once
/// answers, across two instances on one database.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresPushTests {
    static let feed = "https://example.org/feed"
    static let source = Fingerprint.sourceID(key: feed)
    static let article = "0123456789abcdef"

    /// A database holding one fetched article of `feed`, and a user alice who follows nothing yet.
    static func server(_ url: PostgresURL) async throws -> (PostgresSyncRepository, UserAccount) {
        let repository = try await PostgresSyncRepository(url: url)
        let alice = try #require(try await repository.authenticate(token: try await repository.addUser(named: "alice")))
        try await repository.database.execute("""
            INSERT INTO feeds (url, source_key, source_id) VALUES ('\(feed)', '\(feed)', '\(source)')
            """)
        try await repository.database.execute("INSERT INTO sources (id, key, kind, title) VALUES ('\(source)', '\(feed)', 'rss', 'Example')")
        try await repository.database.execute("""
            INSERT INTO articles (id, source_id, guid, title, html, text, content_hash, first_seen_at)
            VALUES ('\(article)', '\(source)', 'g1', 'First', '<p>Hi</p>', 'Hi', 'h', '2026-12-01T00:00:00.000Z')
            """)
        return (repository, alice)
    }

    static func stamp(_ wall: Int64, _ node: String = "device-a") -> HLC {
        HLC(wallMillis: 1_764_547_200_000 + wall, counter: 0, node: node)
    }

    static func subscribe(_ id: String, _ subscribed: Bool, at wall: Int64) -> WireMutation {
        WireMutation(
            id: id, entity: .subscription, entityID: feed, op: .set, baseRevision: nil,
            fields: ["subscribed": .bool(subscribed), "tags": .array([.string("news")]), "title": .string("A feed")], hlc: stamp(wall)
        )
    }

    static func note(_ id: String, _ op: MutationOp, note: String, base: Int?, body: String, at wall: Int64, node: String = "device-a") -> WireMutation {
        var fields: JSONObject = ["body": .string(body)]
        if op == .create { fields["article_id"] = .string(article) }
        return WireMutation(id: id, entity: .note, entityID: note, op: op, baseRevision: base, fields: fields, hlc: stamp(wall, node))
    }

    static func state(_ id: String, article: String = article, _ fields: JSONObject, at wall: Int64) -> WireMutation {
        WireMutation(id: id, entity: .articleState, entityID: article, op: .set, baseRevision: nil, fields: fields, hlc: stamp(wall))
    }

    static func results(_ outcome: PushOutcome) throws -> [MutationResult] {
        try outcome.results.map { try JSONDecoder().decode(MutationResult.self, from: $0) }
    }

    static func feedOf(_ repository: PostgresSyncRepository, _ user: UserAccount) async throws -> [Change] {
        try await repository.changes(for: user, since: 0, limit: 1000, maxBytes: 1 << 24).changes.map(\.change)
    }

    @Test func subscribingEditingAndUnsubscribingFollowTheRules() async throws {
        let (repository, alice) = try await Self.server(try await PostgresTestCluster.freshDatabase())
        // Before subscribing the article is unknown to alice, as on SQLite.
        let early = try Self.results(try await repository.push(
            PushRequest(clientID: "laptop", mutations: [Self.state("s0", ["read": .bool(true)], at: 1)]), for: alice
        ))
        #expect(early.map(\.error?.code) == [.unknownArticle])

        let pushed = try Self.results(try await repository.push(PushRequest(clientID: "laptop", mutations: [
            Self.subscribe("sub", true, at: 2),
            Self.note("c1", .create, note: "n1", base: nil, body: "one\ntwo\nthree", at: 3),
            Self.note("e1", .update, note: "n1", base: 1, body: "ONE\ntwo\nthree", at: 4, node: "device-a"),
            Self.note("e2", .update, note: "n1", base: 1, body: "one\ntwo\nTHREE", at: 5, node: "device-b"),
            Self.state("s1", ["starred": .bool(true)], at: 6),
            Self.state("s2", article: "0000000000000000", ["read": .bool(true)], at: 7),
        ]), for: alice))
        #expect(pushed.map(\.status) == [.applied, .applied, .applied, .merged, .applied, .rejected])
        guard case .note(let merged)? = pushed[3].outcome else { Issue.record("no note in \(pushed[3])"); return }
        #expect(merged.body == "ONE\ntwo\nTHREE" && merged.revision == 3)
        let entities = try await Self.feedOf(repository, alice).map { "\($0.entity.rawValue) \($0.id)" }
        #expect(entities == ["subscription \(Self.feed)", "source \(Self.source)", "article \(Self.article)", "note n1", "article_state \(Self.article)"])

        // Unsubscribing keeps the starred article (and so its source); unstarring then lets both go.
        _ = try await repository.push(PushRequest(clientID: "laptop", mutations: [Self.subscribe("unsub", false, at: 8)]), for: alice)
        #expect(try await Self.feedOf(repository, alice).allSatisfy { if case .tombstone = $0 { false } else { true } })
        _ = try await repository.push(PushRequest(clientID: "laptop", mutations: [
            Self.note("d1", .delete, note: "n1", base: 3, body: "", at: 9), Self.state("s3", ["starred": .bool(false)], at: 10),
        ]), for: alice)
        let tombstones = try await Self.feedOf(repository, alice).compactMap { change -> String? in
            if case .tombstone(let entity, let id) = change { "\(entity.rawValue) \(id)" } else { nil }
        }
        #expect(Set(tombstones) == ["note n1", "article \(Self.article)", "source \(Self.source)"])
        await repository.close()
    }

    /// The same push sent to two instances at once (a retry that landed on the other one):
    /// applied once, and both answers are the same bytes.
    @Test func aPushRetriedOnAnotherInstanceIsAppliedOnceWithTheSameAnswer() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let (first, alice) = try await Self.server(url)
        let second = try await PostgresSyncRepository(url: url)
        _ = try await first.push(PushRequest(clientID: "laptop", mutations: [Self.subscribe("sub", true, at: 1)]), for: alice)
        let request = PushRequest(clientID: "phone", mutations: [
            Self.note("c1", .create, note: "n1", base: nil, body: "hello", at: 2),
            Self.state("s1", ["read": .bool(true), "tags": .array([.string("later")])], at: 3),
        ])
        async let a = first.push(request, for: alice)
        async let b = second.push(request, for: alice)
        let (one, two) = try await (a, b)
        #expect(one.results == two.results)
        #expect(try Self.results(one).map(\.status) == [.applied, .applied])
        // And again later, on either: still the stored bytes, and nothing new in the feed.
        let before = try await first.changes(for: alice, since: 0, limit: 1000, maxBytes: 1 << 24)
        #expect(try await second.push(request, for: alice).results == one.results)
        let after = try await first.changes(for: alice, since: 0, limit: 1000, maxBytes: 1 << 24)
        #expect(after.changes == before.changes && after.nextCursor == before.nextCursor)
        await first.close()
        await second.close()
    }
}
