import ContractSupport
import Foundation
import ReaderCurl
import ReaderHTTP
import ReaderModels
import ReaderStore
import ReaderSync
import Testing

/// docs/SYNC.md, guarantee 12, against the real server: no one else's clock rules.
@Suite struct ClockBoundTests {
    /// The largest stamp the text form holds; an overflowing clock went past it.
    static let extreme = "9999999999999999-ffff-x"
    /// A well-formed article id the server does not have.
    static let unknownArticle = "ffffffffffffffff"

    /// Pushes raw mutations with the stamps given, as a hostile or broken client would.
    static func push(
        _ mutations: [(id: String, articleID: String, fields: JSONObject, hlc: String)], token: String, server: TestServer
    ) async throws -> PushResponse {
        let request = PushRequest(clientID: "hostile", mutations: try mutations.map { mutation in
            guard let hlc = HLC(mutation.hlc) else { throw TestFailure("not a stamp: \(mutation.hlc)") }
            return WireMutation(
                id: mutation.id, entity: .articleState, entityID: mutation.articleID, op: .set, baseRevision: nil,
                fields: mutation.fields, hlc: hlc
            )
        })
        let body = try JSONEncoder().encode(request)
        let response = try await CurlHTTPClient().send(HTTPRequest(
            url: server.url.appending(path: "v1/mutations"), method: .post,
            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: .bytes(Array(body))
        ))
        guard response.status == 200 else { throw TestFailure("the push answered \(response.status): \(String(decoding: response.body, as: UTF8.self))") }
        try Contract.validate(Data(response.body), against: "push-response")
        return try JSONDecoder().decode(PushResponse.self, from: Data(response.body))
    }

    /// The server's clock as `GET /v1/me` reports it.
    static func serverStamp(_ server: TestServer, token: String) async throws -> HLC {
        let response = try await CurlHTTPClient().send(HTTPRequest(
            url: server.url.appending(path: "v1/me"), headers: ["Authorization": "Bearer \(token)"]
        ))
        return try JSONDecoder().decode(WhoAmI.self, from: Data(response.body)).serverHLC
    }

    /// The extreme stamp, in a mutation the server rejects anyway and in an otherwise valid
    /// one, is refused; it moves no clock, every other user keeps syncing, and a later edit
    /// of the same field wins on every device.
    @Test func extremeStampsAreRefusedAndALaterEditStillWins() async throws {
        let (server, token, first, second) = try await TestServer.withTwoDevices("first", "second")
        let bobToken = try await server.addUser("bob")
        let bob = try Device("bob", server: server, token: bobToken)
        try await bob.sync()
        let article = try #require(try first.store.articles().first?.id)
        try first.store.markStarred([article], true)
        try await first.sync()
        try await second.sync()

        let answer = try await Self.push([
            (id: "m-unknown", articleID: Self.unknownArticle, fields: ["read": .bool(true)], hlc: Self.extreme),
            (id: "m-valid", articleID: article, fields: ["starred": .bool(false)], hlc: Self.extreme),
        ], token: token, server: server)
        #expect(answer.results.map(\.status) == [.rejected, .rejected])
        #expect(answer.results.last?.error?.code == .clockTooFarAhead)
        #expect(answer.serverHLC < HLC(Self.extreme)!)

        // Every user still syncs: the server's stamps stay readable and within the bound.
        try await bob.sync()
        let afterBob = try await Self.serverStamp(server, token: bobToken)
        #expect(afterBob.wallMillis < HLC(Self.extreme)!.wallMillis, "the server's clock did not adopt the stamp")
        try await second.sync()
        #expect(try second.store.article(id: article).state.starred, "the refused unstar did not take")

        // A later edit of the same field wins everywhere.
        try second.store.markStarred([article], false)
        try await second.sync()
        try await first.sync()
        try await bob.sync()
        #expect(try first.store.article(id: article).state.starred == false)
        #expect(try second.store.article(id: article).state.starred == false)
        #expect(try first.export() == second.export())
        try first.store.markStarred([article], true)
        try await first.sync()
        try await second.sync()
        #expect(try second.store.article(id: article).state.starred)
        #expect(try first.export() == second.export())
    }

    /// A rejected mutation moves no clock, even with a stamp inside the bound: the stamp
    /// the server answers with stays below it.
    @Test func aRejectedMutationDoesNotMoveTheServersClock() async throws {
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        let before = try await Self.serverStamp(server, token: token)
        // Twenty hours ahead of the server's clock: within the bound, so only the rejection
        // keeps it out.
        let ahead = HLC(wallMillis: before.wallMillis + 20 * 3_600_000, counter: 0, node: "ahead")
        let answer = try await Self.push(
            [(id: "m-unknown", articleID: Self.unknownArticle, fields: ["read": .bool(true)], hlc: ahead.description)],
            token: token, server: server
        )
        #expect(answer.results.map(\.error?.code) == [.unknownArticle])
        #expect(answer.serverHLC < ahead)
        #expect(try await Self.serverStamp(server, token: token) < ahead)
    }

    /// A device whose clock is more than the bound behind the server refuses the server's
    /// stamps: the sync stops with a protocol error, and nothing is adopted or applied.
    @Test func aDeviceRefusesServerStampsBeyondTheBound() async throws {
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        let behind: TimeInterval = 30 * 3600
        let device = try Device("behind", server: server, token: token, environment: StoreEnvironment(
            now: { Date().addingTimeInterval(-behind) }, makeID: { UUID().uuidString.lowercased() }
        ))
        do {
            try await device.sync()
            Issue.record("a sync that got stamps from 30 hours ahead succeeded")
        } catch let error as SyncError {
            guard case .protocolViolation = error else { throw TestFailure("expected a protocol error, got \(error)") }
            #expect("\(error)".contains("clock stamp"), "\(error)")
        }
        #expect(try device.store.articles().isEmpty)
        #expect(try device.store.syncSettings().cursor == nil)
    }
}
