import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ReaderServer
import Testing

/// What the GReader API refuses, and the bounds it holds hostile input to.
@Suite struct GReaderRefusalTests {
    static let badToken = HTTPFields.Element.Name("Google-Bad-Token")!

    @Test(arguments: FeedEngine.available)
    func wrongPasswordsUnknownNamesAndMissingFieldsAreRefused(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 0)
        _ = try await server.addUser("carol")
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            for (name, password) in [("ada", "bob-pass"), ("nobody", "ada-pass"), ("carol", ""), ("carol", "anything")] {
                let response = try await reader.login(name, password)
                #expect(response.status == .unauthorized, "\(name)")
                #expect(response.headers[Self.badToken] == "true")
                #expect(reader.auth == nil)
            }
            let missing = try await reader.request(.post, "/accounts/ClientLogin", form: [("Email", "ada")], authorized: false)
            #expect(missing.status == .badRequest)
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func everyEndpointNeedsALiveAuth(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 1)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            let paths = ["token", "user-info", "subscription/list", "tag/list", "unread-count",
                         "stream/items/ids?s=user/-/state/com.google/reading-list", "stream/items/contents?i=1"]
            for auth in [nil, "0123", String(repeating: "a", count: 64)] as [String?] {
                reader.auth = auth
                for path in paths {
                    let response = try await reader.request(.get, "/reader/api/0/" + path)
                    #expect(response.status == .unauthorized, "\(path)")
                    #expect(response.headers[Self.badToken] == "true")
                }
                #expect(try await reader.request(.get, "/reader/atom/user/-/state/com.google/reading-list").status == .unauthorized)
            }
            // A bearer token of the native API is not an Auth.
            let token = try await server.addUser("dave")
            let bearer = try await client.executeRequest(
                uri: "/reader/api/0/token", method: .get, headers: [.authorization: "Bearer \(token)"], body: nil
            )
            #expect(bearer.status == .unauthorized)
            // A new password ends the sessions of the old one.
            try await reader.login("ada", "ada-pass")
            #expect(try await reader.request(.get, "/reader/api/0/token").status == .ok)
            try await server.setAPIPassword("new-pass", forUser: "ada", cost: GReaderTests.testCost)
            #expect(try await reader.request(.get, "/reader/api/0/token").status == .unauthorized)
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func writesWithoutTheSessionsTAreRefusedAndARetryWithAFreshTPasses(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 2)
        try await server.app.test(.router) { client in
            var ada = GReaderTestClient(client)
            try await ada.login("ada", "ada-pass")
            var other = GReaderTestClient(client)
            try await other.login("ada", "ada-pass")
            try await other.fetchToken()
            let ids = try await ada.allIDs(GReaderTestClient.readingList, pageSize: 10)
            let edit = [("i", ids[0]), ("a", GReaderTestClient.starred)]
            let writes = [
                ("edit-tag", edit), ("mark-all-as-read", [("s", GReaderTestClient.readingList)]),
                ("subscription/edit", [("ac", "subscribe"), ("s", "feed/https://x.example/")]),
                ("subscription/quickadd", [("quickadd", "https://x.example/")]),
            ]
            for (path, form) in writes {
                for token in [nil, "wrong", other.writeToken] as [String?] {
                    let response = try await ada.request(.post, "/reader/api/0/" + path, form: form + (token.map { [("T", $0)] } ?? []))
                    #expect(response.status == .unauthorized, "\(path) with T \(token ?? "none")")
                    #expect(response.headers[Self.badToken] == "true")
                }
            }
            #expect(try await ada.allIDs(GReaderTestClient.starred, pageSize: 10).isEmpty, "nothing refused was applied")
            #expect(try await ada.subscriptions().isEmpty)
            ada.writeToken = "stale"
            let retried = try await ada.write("edit-tag", edit)
            #expect(retried.status == .ok)
            #expect(try await ada.allIDs(GReaderTestClient.starred, pageSize: 10) == [ids[0]])
        }
        await server.close()
    }

    @Test func anotherUsersItemIsAbsentAndUntouchableLikeANonexistentOne() async throws {
        let server = try await GReaderTests.server(articles: 2)
        try await server.importArticles(2, start: 10, source: "Bob's", for: ["bob"])
        try await server.app.test(.router) { client in
            var ada = GReaderTestClient(client)
            try await ada.login("ada", "ada-pass")
            var bob = GReaderTestClient(client)
            try await bob.login("bob", "bob-pass")
            let bobs = try await bob.allIDs(GReaderTestClient.readingList, pageSize: 10)
            let adas = try await ada.allIDs(GReaderTestClient.readingList, pageSize: 10)
            #expect(bobs.count == 2 && adas.count == 2 && Set(bobs).isDisjoint(with: adas))
            #expect(try await ada.contents(bobs).isEmpty)
            #expect(try await ada.contents(bobs.map(GReaderTestClient.longID)).isEmpty)
            let onBobs = try await ada.write("edit-tag", bobs.map { ("i", $0) } + [("a", GReaderTestClient.read), ("a", GReaderTestClient.starred)])
            let onNothing = try await ada.write("edit-tag", [("i", "987654321"), ("a", GReaderTestClient.read), ("a", GReaderTestClient.starred)])
            #expect(onBobs.status == onNothing.status && onBobs.text == onNothing.text)
            #expect(try await bob.contents(bobs).allSatisfy { !$0.isRead && !$0.isStarred })
            #expect(try await ada.allIDs(GReaderTestClient.starred, pageSize: 10).isEmpty)
            _ = try await ada.write("mark-all-as-read", [("s", "feed/https://test.example/feed.xml")])
            #expect(try await bob.unreadCounts().max == 2)
        }
    }

    @Test(arguments: FeedEngine.available)
    func hostileSizesAndCountsAreBounded(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 3)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            try await reader.fetchToken()
            let tooManyItems = (0...GReaderForm.maxItems).map { ("i", String($0)) }
            let refusedEdit = try await reader.write("edit-tag", tooManyItems + [("a", GReaderTestClient.read)])
            #expect(refusedEdit.status == .badRequest)
            #expect(try await reader.unreadCounts().max == 3, "nothing of a refused edit was applied")
            let manyItems = (1...GReaderForm.maxItems).map { ("i", String($0)) }
            #expect(try await reader.write("edit-tag", manyItems + [("a", GReaderTestClient.starred)]).text == "OK")
            #expect(try await reader.allIDs(GReaderTestClient.starred, pageSize: 10).count == 3)
            let tooManyContents = (0...GReaderHandlers.maxContents).map { ("i", String($0)) }
            #expect(try await reader.request(.post, "/reader/api/0/stream/items/contents", form: tooManyContents).status == .badRequest)
            let justEnough = (1...GReaderHandlers.maxContents).map { ("i", String($0)) }
            #expect(try await reader.contents(justEnough.map(\.1)).count == 3)
            let body = String(repeating: "i=1&", count: GReaderForm.maxBodyBytes / 4 + 1)
            let oversized = try await client.executeRequest(
                uri: "/reader/api/0/stream/items/contents", method: .post,
                headers: [.authorization: "GoogleLogin auth=\(reader.auth!)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: body)
            )
            #expect(oversized.status == .contentTooLarge)
            let huge = try await reader.idPage(GReaderTestClient.readingList, "&n=99999999")
            #expect(huge.itemRefs.count == 3, "n is clamped, not refused")
            for query in ["&n=0", "&n=-1", "&n=abc", "&c=abc", "&ot=soon", "&xt=user/-/state/com.google/nothing"] {
                let response = try await reader.request(.get, "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list" + query)
                #expect(response.status == .badRequest, "\(query)")
            }
            let longID = String(repeating: "1", count: 200)
            #expect(try await reader.contents([longID]).isEmpty)
            let longLabel = GReaderTestClient.label(String(repeating: "x", count: 65))
            #expect(try await reader.write("edit-tag", [("i", "1"), ("a", longLabel)]).status == .badRequest)
            let controlLabel = GReaderTestClient.label("a\u{1}b")
            #expect(try await reader.write("edit-tag", [("i", "1"), ("a", controlLabel)]).status == .badRequest)
            let longTitle = String(repeating: "t", count: GReaderHandlers.maxTitleBytes + 1)
            let rename = try await reader.write("subscription/edit", [("ac", "subscribe"), ("s", "feed/https://x.example/"), ("t", longTitle)])
            #expect(rename.status == .badRequest)
            let longURL = "feed/https://x.example/" + String(repeating: "p", count: 2100)
            #expect(try await reader.write("subscription/edit", [("ac", "subscribe"), ("s", longURL)]).status == .badRequest)
            #expect(try await reader.subscriptions().isEmpty)
        }
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func repeatedFailedLoginsCloseTheNameForAWhile(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 0)
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            for _ in 0...GReaderLoginGuard.freeFailures {
                #expect(try await reader.login("ada", "wrong").status == .unauthorized)
            }
            let locked = try await reader.login("ada", "ada-pass")
            #expect(locked.status == .tooManyRequests, "the right password waits too")
            #expect(locked.headers[.retryAfter] == "1")
            #expect(try await reader.login("bob", "bob-pass").status == .ok, "another name is not closed")
            for _ in 0...GReaderLoginGuard.freeFailures {
                #expect(try await reader.login("nobody", "wrong").status == .unauthorized)
            }
            #expect(try await reader.login("nobody", "wrong").status == .tooManyRequests, "a name nobody has closes the same way")
            server.clock.advance(days: 1)
            #expect(try await reader.login("ada", "ada-pass").status == .ok)
        }
        await server.close()
    }
}
