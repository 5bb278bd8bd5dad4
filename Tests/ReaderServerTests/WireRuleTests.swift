import ContractSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import Testing

/// The contract's text rules and limits as the server enforces them where requests enter.
@Suite struct WireRuleTests {
    @Test func idsWithNULOrOutsideTheirCharacterSetAreRefused() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        let article = TestServer.articleID(0)
        try await server.app.test(.router) { client in
            // A client or mutation id keys the server's memory of a push: the whole push is refused.
            for (clientID, mutationID) in [("dev\u{0}ice", "m1"), ("device", "m\u{0}1"), (String(repeating: "d", count: 129), "m1")] {
                let body = try JSONEncoder().encode(PushRequest(clientID: clientID, mutations: [
                    Make.createNote(mutationID, note: "n1", article: article, body: "x", at: 10),
                ]))
                let response = try await client.send(.post, "/v1/mutations", token: token, body: body)
                #expect(response.status == .badRequest)
                try Contract.validate(response.data, against: "error")
            }
            // An entity id is the mutation's own business: that mutation alone is refused.
            let (answer, _) = try await client.push([
                Make.createNote("m1", note: "keep\u{0}cut", article: article, body: "x", at: 10),
                Make.createNote("m2", note: "keep", article: article, body: "kept", at: 11),
                Make.createNote("m3", note: "has space", article: article, body: "x", at: 12),
                Make.createNote("m4", note: String(repeating: "n", count: 129), article: article, body: "x", at: 13),
                Make.subscribe("m5", url: "https://a.example/feed\u{0}", true, at: 14),
                Make.state("m6", article: "ABCDEF0123456789", ["read": .bool(true)], at: 15),
            ], token: token, requestIsValid: false)
            #expect(answer.results.map(\.status) == [.rejected, .applied, .rejected, .rejected, .rejected, .rejected])
            #expect(answer.results.map { $0.error?.code } == [.invalidMutation, nil, .invalidMutation, .tooLong, .invalidMutation, .invalidMutation])
            let (changes, _) = try await client.pullAll(token: token, limit: 100)
            #expect(changes.filter { $0.change.entity == .note }.map(\.change.id) == ["keep"])
        }
    }

    @Test func aNoteWhoseCreatedAtIsNotADateIsRefusedAndNotStored() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        let article = TestServer.articleID(0)
        var shapeless = Make.createNote("m1", note: "n1", article: article, body: "x", at: 10)
        shapeless.fields["created_at"] = .string("not a date")
        var unreal = Make.createNote("m2", note: "n2", article: article, body: "x", at: 11)
        unreal.fields["created_at"] = .string("2026-02-30T10:00:00.000Z")
        let (notADate, february30) = (shapeless, unreal)
        try await server.app.test(.router) { client in
            // Not the schema's pattern: the request breaks the schema and is refused whole.
            let body = try JSONEncoder().encode(PushRequest(clientID: "device-a", mutations: [notADate]))
            let response = try await client.send(.post, "/v1/mutations", token: token, body: body)
            #expect(response.status == .badRequest)
            #expect(response.text.contains("created_at"))
            // The pattern, but no such day: that mutation alone is refused.
            let (answer, _) = try await client.push([february30], token: token)
            #expect(answer.results[0].status == .rejected && answer.results[0].error?.code == .invalidMutation)
            let (changes, _) = try await client.pullAll(token: token, limit: 100)
            #expect(!changes.contains { $0.change.entity == .note })
        }
    }

    @Test func fieldsOrMembersTheSchemaDoesNotHaveAre400() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            let article = TestServer.articleID(0)
            let mutation = #"{"id":"m1","entity":"article_state","entity_id":"\#(article)","op":"set","hlc":"0000000000000010-0000-a""#
            for body in [
                #"{"client_id":"d","mutations":[],"extra":1}"#,
                mutation + #","fields":{"read":true},"extra":1}"#,
                mutation + #","fields":{"colour":"red"}}"#,
                mutation + #","fields":{"read":"yes"}}"#,
                mutation + #","fields":{"progress":2}}"#,
                mutation + #","fields":{"read":true},"base_revision":null}"#,
                mutation + #","fields":{"read":true},"base_revision":-1}"#,
                mutation + #","fields":{"anchor":{"exact":"x"}}}"#,
            ] {
                let wrapped = body.hasPrefix(#"{"client_id""#) ? body : #"{"client_id":"d","mutations":["# + body + "]}"
                let response = try await client.send(.post, "/v1/mutations", token: token, body: Data(wrapped.utf8))
                #expect(response.status == .badRequest, "\(wrapped)")
                try Contract.validate(response.data, against: "error")
            }
        }
    }

    @Test func textOverItsLimitIsRefusedWithTooLong() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        let article = TestServer.articleID(0)
        let limit = WireLimits.maxNoteBodyBytes
        var quoted = Make.createNote("m3", note: "n3", article: article, body: "x", at: 12)
        quoted.fields["anchor"] = .object([
            "exact": .string(String(repeating: "q", count: WireLimits.maxQuoteBytes + 1)), "prefix": .string(""), "suffix": .string(""),
        ])
        var tagged = Make.state("m4", article: article, ["tags": .array((0...WireLimits.maxTags).map { .string("t\($0)") })], at: 13)
        tagged.hlc = Make.stamp(13)
        let (longQuote, manyTags) = (quoted, tagged)
        try await server.app.test(.router) { client in
            let (answer, _) = try await client.push([
                Make.createNote("m1", note: "n1", article: article, body: String(repeating: "é", count: limit / 2), at: 10),
                Make.createNote("m2", note: "n2", article: article, body: String(repeating: "é", count: limit / 2) + "x", at: 11),
                longQuote, manyTags,
            ], token: token, requestIsValid: false)
            #expect(answer.results.map(\.status) == [.applied, .rejected, .rejected, .rejected])
            #expect(answer.results.dropFirst().allSatisfy { $0.error?.code == .tooLong })
            let (changes, _) = try await client.pullAll(token: token, limit: 100)
            #expect(changes.filter { $0.change.entity == .note }.map(\.change.id) == ["n1"])
        }
    }

    /// Deleting a note the server never had is answered `applied` with `deleted: true`
    /// (the note is gone either way) and puts nothing in the change feed.
    @Test func deletingANoteThatDoesNotExistIsAppliedAndChangesNothing() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            let (answer, _) = try await client.push([Make.deleteNote("d1", note: "never-was", base: 0, at: 10)], token: token)
            #expect(answer.results[0].status == .applied)
            #expect(answer.results[0].outcome == .noteDeleted(id: "never-was"))
            let (changes, _) = try await client.pullAll(token: token, limit: 100)
            #expect(changes.isEmpty)
        }
    }

    /// Records stored before the limits that break them are left out of pages, so no
    /// client refuses a page for them; the cursor still moves past them.
    @Test(.sqliteServerOnly("plants rows the wire rules refuse straight into the SQLite file"))
    func recordsStoredBeforeTheLimitsThatBreakThemAreLeftOut() async throws {
        let server = try TestServer()
        let token = try await server.addUser("ada")
        let user = try #require(try await server.repository.authenticate(token: token))
        let stamp = Make.stamp(10)
        @Sendable func legacy(_ id: String, body: String) -> Resolver.StoredNote {
            Resolver.StoredNote(record: NoteRecord(
                id: id, articleID: TestServer.articleID(0), anchor: nil, body: body, createdAt: "2026-11-24T10:00:00.000Z",
                updatedAt: "2026-11-24T10:00:00.000Z", revision: 1, conflicted: false, bodyHLC: stamp, anchorHLC: nil
            ), deleted: false)
        }
        try await server.repository.pool.write { db in
            for note in [legacy("has space", body: "x"), legacy("huge", body: String(repeating: "h", count: 7_000_000)), legacy("fine", body: "ok")] {
                try RecordRows.saveNote(db, user: user.id, note)
                try RecordRows.recordChange(db, user: user.id, entity: .note, id: note.record.id, at: "2026-11-24T10:00:00.000Z")
            }
        }
        try await server.app.test(.router) { client in
            let first = try await client.send(.get, "/v1/changes?since=0&limit=2", token: token)
            let page = try JSONDecoder().decode(ChangePage.self, from: first.data)
            #expect(page.changes.isEmpty && page.hasMore && page.nextCursor != "0", "both left out, and the cursor moves on")
            let (changes, _) = try await client.pullAll(token: token, limit: 100)
            #expect(changes.map(\.change.id) == ["fine"])
        }
    }

    @Test func anEmptyOrMalformedCursorOrLimitIs400() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            for query in ["since=", "since=-1", "since=%200", "limit=", "limit=-3", "limit=00", "limit=1e3"] {
                let response = try await client.send(.get, "/v1/changes?\(query)", token: token)
                #expect(response.status == .badRequest, "\(query)")
                try Contract.validate(response.data, against: "error")
            }
            // Larger than any seq: a cursor this server never issued.
            let huge = try await client.send(.get, "/v1/changes?since=99999999999999999999999", token: token)
            #expect(huge.status == .gone)
            let clamped = try await client.send(.get, "/v1/changes?since=0&limit=99999999999999999999999", token: token)
            #expect(clamped.status == .ok)
        }
    }

    @Test func aMethodARouteDoesNotHaveIs405WithAllow() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.post, "/v1/changes", "GET"), (.delete, "/v1/changes", "GET"), (.get, "/v1/mutations", "POST"),
                (.put, "/v1/mutations", "POST"), (.patch, "/v1/me", "GET"), (.post, "/health", "GET"),
                (.options, "/v1/me", "GET"), (.trace, "/health", "GET"),
            ]
            for (method, path, allow) in cases {
                let response = try await client.send(method, path, token: token)
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(response.headers[.allow] == allow, "\(method) \(path)")
                try Contract.validate(response.data, against: "error")
            }
        }
    }
}
