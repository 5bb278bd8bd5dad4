import ContractSupport
import Foundation
import GRDB
import HummingbirdTesting
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import Testing

@Suite struct PushTests {
    @Test func pushReportsAppliedMergedKeptBothAndRejected() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        let article = TestServer.articleID(0)
        try await server.app.test(.router) { client in
            let (created, _) = try await client.push([
                Make.createNote("c1", note: "note-1", article: article, body: "one\ntwo\nthree", at: 10),
                Make.createNote("c2", note: "note-2", article: article, body: "alpha", at: 10),
                Make.state("s1", article: article, ["read": .bool(true)], at: 20),
            ], token: token)
            #expect(created.results.map(\.status) == [.applied, .applied, .applied])

            let (edited, _) = try await client.push([
                // Two devices edit revision 1 of note-1 in different lines: a clean merge.
                Make.editNote("e1", note: "note-1", base: 1, body: "ONE\ntwo\nthree", at: 30, node: "device-a"),
                Make.editNote("e2", note: "note-1", base: 1, body: "one\ntwo\nTHREE", at: 31, node: "device-b"),
                // Two devices rewrite the same line of note-2: both texts kept.
                Make.editNote("e3", note: "note-2", base: 1, body: "beta", at: 32, node: "device-a"),
                Make.editNote("e4", note: "note-2", base: 1, body: "gamma", at: 33, node: "device-b"),
                // An older stamp loses to the stored one.
                Make.state("s2", article: article, ["read": .bool(false)], at: 5, node: "device-b"),
                Make.state("s3", article: "0000000000000000", ["read": .bool(true)], at: 40),
                Make.editNote("e5", note: "no-such-note", base: 1, body: "x", at: 41),
                Make.state("s4", article: article, ["body": .string("red")], at: 42),
                Make.createNote("c3", note: "note-3", article: "0000000000000000", body: "x", at: 43),
            ], token: token, requestIsValid: false)
            let statuses = edited.results.map(\.status)
            #expect(statuses == [.applied, .merged, .applied, .keptBoth, .merged, .rejected, .rejected, .rejected, .rejected])
            let codes = edited.results.map { $0.error?.code }
            #expect(codes == [nil, nil, nil, nil, nil, .unknownArticle, .unknownNote, .invalidMutation, .unknownArticle])
            guard case .note(let merged)? = edited.results[1].outcome, case .note(let both)? = edited.results[3].outcome,
                  case .articleState(let state)? = edited.results[4].outcome
            else {
                Issue.record("expected canonical records")
                return
            }
            #expect(merged.body == "ONE\ntwo\nTHREE" && merged.revision == 3 && !merged.conflicted)
            #expect(both.conflicted && both.body.contains("beta") && both.body.contains("gamma"))
            #expect(state.read == true)

            let (deleted, _) = try await client.push([Make.deleteNote("d1", note: "note-1", base: 3, at: 50)], token: token)
            #expect(deleted.results[0].outcome == .noteDeleted(id: "note-1"))
        }
    }

    /// A replayed push returns byte-identical results and changes nothing.
    @Test func replayedPushReturnsIdenticalResultsAndChangesNothing() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        let article = TestServer.articleID(0)
        try await server.app.test(.router) { client in
            let batch = [
                Make.createNote("c1", note: "note-1", article: article, body: "text", at: 10),
                Make.state("s1", article: article, ["starred": .bool(true), "progress": .number(0.25)], at: 11),
                Make.state("bad", article: "missing", ["read": .bool(true)], at: 12),
                Make.subscribe("u1", url: "https://feed.example/", true, at: 13),
            ]
            let (_, first) = try await client.push(batch, token: token)
            let before = try await client.pullAll(token: token, limit: 1000)
            let (_, second) = try await client.push(batch, token: token)
            let after = try await client.pullAll(token: token, limit: 1000)
            #expect(try Self.results(first) == Self.results(second))
            #expect(before.changes == after.changes && before.cursor == after.cursor)
            // The same mutation ids from another device are that device's own mutations.
            let (other, _) = try await client.push(
                [Make.state("s1", article: article, ["read": .bool(true)], at: 14)], token: token, client: "device-b"
            )
            #expect(other.results[0].status == .applied)
        }
    }

    /// User B can neither read nor change A's notes or state, whatever ids B uses.
    @Test func usersAreIsolated() async throws {
        let server = try await TestServer.onTestEngine()
        let ada = try await server.addUser("ada")
        let bob = try await server.addUser("bob")
        try await server.importArticles(1)
        let article = TestServer.articleID(0)
        try await server.app.test(.router) { client in
            _ = try await client.push([
                Make.createNote("c1", note: "shared-id", article: article, body: "ada's secret", at: 10),
                Make.state("s1", article: article, ["starred": .bool(true)], at: 11),
                Make.subscribe("u1", url: "https://ada.example/", true, at: 12),
            ], token: ada)
            let bobView = try await client.pullAll(token: bob, limit: 1000)
            #expect(bobView.changes.allSatisfy { $0.change.entity == .source || $0.change.entity == .article })

            let (attempt, raw) = try await client.push([
                Make.editNote("e1", note: "shared-id", base: 1, body: "bob was here", at: 20),
                Make.deleteNote("d1", note: "shared-id", base: 1, at: 21),
                Make.state("s2", article: article, ["read": .bool(true)], at: 22),
            ], token: bob)
            #expect(attempt.results[0].error?.code == .unknownNote)
            #expect(!String(decoding: raw, as: UTF8.self).contains("secret"))
            guard case .articleState(let bobState)? = attempt.results[2].outcome else {
                Issue.record("expected bob's own state")
                return
            }
            #expect(bobState.starred == false, "bob's state starts from his own, not ada's")

            let adaView = try await client.pullAll(token: ada, limit: 1000)
            let adaState = PullTests.state(adaView.changes)
            guard case .note(let note)? = adaState["note/shared-id"],
                  case .articleState(let state)? = adaState["article_state/\(article)"]
            else {
                Issue.record("ada's note and state should be intact")
                return
            }
            #expect(note.body == "ada's secret" && note.revision == 1)
            #expect(state.read == false && state.starred == true)
        }
    }

    @Test func editBeatsAConcurrentDelete() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        let article = TestServer.articleID(0)
        try await server.app.test(.router) { client in
            _ = try await client.push([Make.createNote("c1", note: "n", article: article, body: "draft", at: 10)], token: token)
            _ = try await client.push([Make.editNote("e1", note: "n", base: 1, body: "draft, improved", at: 20)], token: token)
            let (delete, _) = try await client.push([Make.deleteNote("d1", note: "n", base: 1, at: 30)], token: token, client: "device-b")
            #expect(delete.results[0].status == .merged)
            guard case .note(let kept)? = delete.results[0].outcome else {
                Issue.record("the edited note should be kept")
                return
            }
            #expect(kept.body == "draft, improved")
        }
    }

    @Test(.sqliteServerOnly("counts what is left of the user in the SQLite file; PostgresUserTests covers removal on PostgreSQL"))
    func removingAUserRemovesTheirDataAndToken() async throws {
        let server = try TestServer()
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        try await server.app.test(.router) { client in
            _ = try await client.push([Make.subscribe("u1", url: "https://a.example/", true, at: 1)], token: token)
        }
        try await server.repository.removeUser(named: "ada")
        #expect(try await server.repository.authenticate(token: token) == nil)
        #expect(try await server.repository.users().isEmpty)
        await #expect(throws: RepositoryError.self) { try await server.repository.removeUser(named: "ada") }
        let again = try await server.addUser("ada")
        #expect(again != token && again.count == 64)
        let leftover = try await server.repository.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM subscriptions) + (SELECT count(*) FROM changes WHERE user_id > 0)") ?? -1
        }
        #expect(leftover == 0)
    }

    /// The bytes of a push response's `results` array, as sent.
    static func results(_ body: Data) throws -> Substring {
        let text = String(decoding: body, as: UTF8.self)
        guard let end = text.range(of: #","server_hlc""#) else { throw TestFailure("no server_hlc in \(text)") }
        return text[..<end.lowerBound]
    }
}
