import Foundation
import Hummingbird
import HummingbirdTesting
import ReaderModels
@testable import ReaderServer
import Testing

/// One truth: what GReader changes is in the native change feed, and what native devices
/// push is seen through GReader, under the same conflict rules.
@Suite struct GReaderInteropTests {
    @Test(arguments: FeedEngine.available)
    func aGReaderEditArrivesInTheNativeChangeFeed(_ engine: FeedEngine) async throws {
        let server = try await EngineServer(engine)
        let token = try await server.addUser("ada")
        try await server.setAPIPassword("ada-pass", forUser: "ada", cost: GReaderTests.testCost)
        try await server.importArticles(3, for: ["ada"])
        try await server.app.test(.router) { client in
            let before = try await client.pullAll(token: token, limit: 100)
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let items = try await reader.contents(try await reader.allIDs(GReaderTestClient.readingList, pageSize: 10))
            let target = try #require(items.first { $0.title == "Article 1" })
            _ = try await reader.write("edit-tag", [
                ("i", target.id), ("a", GReaderTestClient.read), ("a", GReaderTestClient.starred), ("a", GReaderTestClient.label("Later")),
            ])
            _ = try await reader.write("subscription/quickadd", [("quickadd", "https://other.example/rss")])
            let after = try await client.pullAll(token: token, since: before.cursor, limit: 100)
            let states = after.changes.compactMap { change -> ArticleStateRecord? in
                if case .articleState(let state) = change.change { return state } else { return nil }
            }
            #expect(states.count == 1)
            let state = try #require(states.first)
            #expect(state.articleID == TestServer.articleID(1))
            #expect(state.read && state.starred && state.tags == ["Later"])
            #expect(state.hlc.read?.node == "server", "stamped by the server's clock, as a server-side edit")
            let subscriptions = after.changes.compactMap { change -> SubscriptionRecord? in
                if case .subscription(let record) = change.change { return record } else { return nil }
            }
            #expect(subscriptions.map(\.url) == ["https://other.example/rss"] && subscriptions.first?.subscribed == true)
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func aNativePushIsSeenThroughGReaderAndTheLaterStampWins(_ engine: FeedEngine) async throws {
        let server = try await EngineServer(engine)
        let token = try await server.addUser("ada")
        try await server.setAPIPassword("ada-pass", forUser: "ada", cost: GReaderTests.testCost)
        try await server.importArticles(2, for: ["ada"])
        let wall = server.clock.millis
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let (pushed, _) = try await client.push([
                Make.state("m1", article: TestServer.articleID(0), ["read": .bool(true), "starred": .bool(true), "tags": .array([.string("Work")])], at: wall - 1000),
            ], token: token)
            #expect(pushed.results[0].status == .applied)
            let starred = try await reader.contents(try await reader.allIDs(GReaderTestClient.starred, pageSize: 10))
            #expect(starred.map(\.title) == ["Article 0"])
            #expect(starred.first.map { $0.isRead && $0.labels == ["Work"] } == true)
            #expect(try await reader.tags().contains { $0.id == GReaderTestClient.label("Work") })

            // GReader unstars now; a device's edit stamped before it loses, one after it wins.
            let id = try #require(starred.first?.id)
            _ = try await reader.write("edit-tag", [("i", id), ("r", GReaderTestClient.starred)])
            let (late, _) = try await client.push([
                Make.state("m2", article: TestServer.articleID(0), ["starred": .bool(true)], at: wall - 500),
            ], token: token)
            #expect(late.results[0].status == .merged)
            #expect(try await reader.allIDs(GReaderTestClient.starred, pageSize: 10).isEmpty)
            let (newer, _) = try await client.push([
                Make.state("m3", article: TestServer.articleID(0), ["starred": .bool(true)], at: wall + 60_000),
            ], token: token)
            #expect(newer.results[0].status == .applied)
            #expect(try await reader.allIDs(GReaderTestClient.starred, pageSize: 10).count == 1)
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func notesAndProgressStayNativeOnly(_ engine: FeedEngine) async throws {
        let server = try await EngineServer(engine)
        let token = try await server.addUser("ada")
        try await server.setAPIPassword("ada-pass", forUser: "ada", cost: GReaderTests.testCost)
        try await server.importArticles(1, for: ["ada"])
        try await server.app.test(.router) { client in
            _ = try await client.push([
                Make.state("p1", article: TestServer.articleID(0), ["progress": .number(0.5)], at: server.clock.millis - 1000),
                Make.createNote("n1", note: "note-1", article: TestServer.articleID(0), body: "mine", at: server.clock.millis - 1000),
            ], token: token)
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let ids = try await reader.allIDs(GReaderTestClient.readingList, pageSize: 10)
            _ = try await reader.write("edit-tag", [("i", ids[0]), ("a", GReaderTestClient.read)])
            let pulled = try await client.pullAll(token: token, limit: 100)
            let state = pulled.changes.compactMap { change -> ArticleStateRecord? in
                if case .articleState(let state) = change.change { return state } else { return nil }
            }.first
            #expect(state?.read == true && state?.progress == 0.5, "GReader's edit leaves progress as it was")
            #expect(pulled.changes.contains { if case .note = $0.change { true } else { false } })
        }
        await server.close()
    }
}
