import Foundation
import GRDB
import HummingbirdTesting
import ReaderModels
@testable import ReaderServer
import Testing

/// The server's retention (issue 12.3): what passes `--keep-days` or `--keep-per-feed`
/// leaves every library with a tombstone, except where that user starred, tagged or
/// annotated it, and is deleted once nobody holds it. Every test runs on both engines.
@Suite struct ServerRetentionTests {
    /// Articles and tombstones in the order a pull gave them.
    static func summary(_ changes: [SequencedChange]) -> (live: Set<String>, gone: Set<String>) {
        var live: Set<String> = [], gone: Set<String> = []
        for change in changes {
            switch change.change {
            case .article(let record): live.insert(record.id); gone.remove(record.id)
            case .tombstone(.article, let id): gone.insert(id); live.remove(id)
            default: break
            }
        }
        return (live, gone)
    }

    static func storedArticles(_ server: EngineServer) async throws -> Set<String> {
        try await server.storedArticles()
    }

    @Test(arguments: FeedEngine.available) func oldArticlesLeaveEveryLibraryButWhatEachUserKept(engine: FeedEngine) async throws {
        let server = try await EngineServer(engine, retention: ServerRetention(keepDays: 30, keepPerFeed: 0))
        let ada = try await server.addUser("ada")
        let bob = try await server.addUser("bob")
        try await server.importArticles(4)
        let id = TestServer.articleID
        try await server.app.test(.router) { client in
            let adaStart = try await client.pullAll(token: ada, limit: 100)
            let bobStart = try await client.pullAll(token: bob, limit: 100)
            #expect(Self.summary(adaStart.changes).live == [id(0), id(1), id(2), id(3)])
            _ = try await client.push([Make.state("a1", article: id(0), ["starred": .bool(true)], at: 10)], token: ada)
            _ = try await client.push([
                Make.state("b1", article: id(1), ["tags": .array([.string("recipes")])], at: 10),
                Make.createNote("b2", note: "bob-note", article: id(2), body: "try this", at: 10),
            ], token: bob)

            server.clock.advance(days: 31)
            try await server.importArticles(1, start: 4)
            let report = try await server.repository.applyRetention()
            #expect(report.expired == 4, "the four old articles; the new one stays")
            #expect(report.leftLibraries == 5, "ada loses g1-g3, bob g0 and g3")
            #expect(report.deleted == 1, "g3 is held by nobody")

            let adaNext = Self.summary(try await client.pullAll(token: ada, since: adaStart.cursor, limit: 100).changes)
            #expect(adaNext.gone == [id(1), id(2), id(3)])
            #expect(adaNext.live == [id(4)])
            let bobNext = Self.summary(try await client.pullAll(token: bob, since: bobStart.cursor, limit: 100).changes)
            #expect(bobNext.gone == [id(0), id(3)])
            #expect(bobNext.live.contains(id(4)))
            #expect(!bobNext.live.contains(id(0)))
            #expect(try await Self.storedArticles(server) == [id(0), id(1), id(2), id(4)])

            // A fresh device of each ends with the same library.
            #expect(Self.summary(try await client.pullAll(token: ada, limit: 100).changes).live == [id(0), id(4)])
            #expect(Self.summary(try await client.pullAll(token: bob, limit: 100).changes).live == [id(1), id(2), id(4)])

            // A second pass finds nothing new; an unstarred old article leaves then.
            #expect(try await server.repository.applyRetention() == RetentionReport())
            let before = try await client.pullAll(token: ada, limit: 100).cursor
            _ = try await client.push([Make.state("a2", article: id(0), ["starred": .bool(false)], at: 20)], token: ada)
            let unstarred = Self.summary(try await client.pullAll(token: ada, since: before, limit: 100).changes)
            #expect(unstarred.gone == [id(0)])
            #expect(try await server.repository.applyRetention().deleted == 1, "nobody holds g0 now")
            #expect(try await Self.storedArticles(server) == [id(1), id(2), id(4)])

            // A new subscriber to the feed gets only what is within the policy.
            let cyd = try await server.addUser("cyd")
            _ = try await client.push([Make.subscribe("c1", url: "https://test.example/feed.xml", true, at: 30)], token: cyd)
            #expect(Self.summary(try await client.pullAll(token: cyd, limit: 100).changes).live == [id(4)])
        }
        await server.close()
    }

    /// The cap is on the feeds the server fetches: an imported file is not capped until a
    /// subscription makes its feed one the server fetches, and then it is that feed's.
    @Test(arguments: FeedEngine.available) func aFeedKeepsItsNewestArticlesUpToTheCap(engine: FeedEngine) async throws {
        let server = try await EngineServer(engine, retention: ServerRetention(keepDays: 0, keepPerFeed: 2))
        let ada = try await server.addUser("ada")
        for index in 0..<4 {
            try await server.importArticles(1, start: index)
            server.clock.advance(days: 1)
        }
        #expect(try await server.repository.applyRetention() == RetentionReport(), "an imported file is not capped")
        let id = TestServer.articleID
        try await server.app.test(.router) { client in
            let bob = try await server.addUser("bob")
            _ = try await client.push([Make.subscribe("b1", url: "https://test.example/feed.xml", true, at: 10)], token: bob)
            #expect(Self.summary(try await client.pullAll(token: bob, limit: 100).changes).live == [id(0), id(1), id(2), id(3)])
            let report = try await server.repository.applyRetention()
            #expect(report.expired == 2 && report.deleted == 2)
            #expect(Self.summary(try await client.pullAll(token: bob, limit: 100).changes).live == [id(2), id(3)])
            #expect(Self.summary(try await client.pullAll(token: ada, limit: 100).changes).live == [id(2), id(3)])
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available) func retentionOffKeepsEverything(engine: FeedEngine) async throws {
        let server = try await EngineServer(engine, retention: ServerRetention(keepDays: 0, keepPerFeed: 0))
        _ = try await server.addUser("ada")
        try await server.importArticles(3)
        server.clock.advance(days: 4000)
        #expect(try await server.repository.applyRetention() == RetentionReport())
        #expect(try await Self.storedArticles(server).count == 3)
        await server.close()
    }
}
