import ContractSupport
import Foundation
import ReaderCurl
import ReaderHTTP
import ReaderModels
import ReaderStore
import ReaderSync
import Testing

@Suite struct SyncBehaviourTests {
    /// docs/SYNC.md, guarantee 8: a device whose clock runs hours ahead does not win against an
    /// edit made later, causally, on another device.
    @Test func aSkewedClockDoesNotBeatACausallyLaterEdit() async throws {
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        let sixHours: TimeInterval = 6 * 3600
        let ahead = try Device("ahead", server: server, token: token, environment: StoreEnvironment(
            now: { Date().addingTimeInterval(sixHours) }, makeID: { UUID().uuidString.lowercased() }
        ))
        let onTime = try Device("on-time", server: server, token: token)
        try await ahead.sync()
        try await onTime.sync()
        let article = try #require(try ahead.store.articles().first?.id)

        try ahead.store.markStarred([article], true)
        try await ahead.sync()
        try await onTime.sync() // sees the starred article, and its clock moves past the stamp
        try onTime.store.markStarred([article], false)
        try await onTime.sync()
        try await ahead.sync()

        #expect(try ahead.store.article(id: article).state.starred == false)
        #expect(try ahead.export() == onTime.export())
    }

    /// An edit made while a push is in flight survives the push's settlement and goes out
    /// with the next sync.
    @Test func anEditMadeDuringAPushSurvivesAndGoesOutNext() async throws {
        let (server, token, device, other) = try await TestServer.withTwoDevices("device", "other")
        let article = try #require(try device.store.articles().first?.id)
        let note = try device.store.addNote(articleID: article, body: "draft one")

        // The push, done by hand so an edit can land between taking the batch and settling it.
        let batch = try device.store.takeOutboxBatch(limit: 10)
        try device.store.editNote(id: note.id, body: "draft two")
        let request = PushRequest(clientID: try device.store.syncSettings().deviceID, mutations: batch)
        let body = try JSONEncoder().encode(request)
        try Contract.validate(body, against: "push-request")
        let response = try await CurlHTTPClient().send(HTTPRequest(
            url: server.url.appending(path: "v1/mutations"), method: .post,
            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: .bytes(Array(body))
        ))
        #expect(response.status == 200)
        try Contract.validate(Data(response.body), against: "push-response")
        try device.store.settle(JSONDecoder().decode(PushResponse.self, from: Data(response.body)))

        #expect(try device.store.note(id: note.id).body == "draft two")
        #expect(try device.store.pendingMutations().count == 1)
        try await device.sync()
        try await other.sync()
        #expect(try other.store.note(id: note.id).body == "draft two")
        #expect(try device.export() == other.export())
    }

    /// A mutation the server rejects is recorded with its reason and does not block the
    /// mutations behind it.
    @Test func aRejectedMutationIsRecordedAndDoesNotBlockTheQueue() async throws {
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        let device = try Device("device", server: server, token: token)
        try await device.sync()
        let articles = try device.store.articles().map(\.id)
        // An article only this device has: the server does not know it.
        try device.store.importFile(at: try localOnlyFeed(in: server.folder))
        let localOnly = try #require(try device.store.articles().map(\.id).first { !articles.contains($0) })
        try device.store.markRead([localOnly], true)
        let good = try device.store.addNote(articleID: articles[0], body: "a good note")

        let report = try await device.sync()
        #expect(report.rejected == 1)
        #expect(report.applied == 1)
        let rejected = try device.store.rejectedMutations()
        #expect(rejected.map(\.entityID) == [localOnly])
        #expect(rejected.first?.code == .unknownArticle)
        #expect(try device.store.status().pendingMutations == 0)
        let other = try Device("other", server: server, token: token)
        try await other.sync()
        #expect(try other.store.note(id: good.id).body == "a good note")
    }

    @Test func aWrongTokenIsAnAuthenticationErrorAndKeepsTheOutbox() async throws {
        let server = try await TestServer()
        _ = try await server.addUser("alice")
        let device = try Device("device", server: server, token: "not-a-token")
        try device.store.importFile(at: TestServer.samples[0])
        let article = try #require(try device.store.articles().first?.id)
        _ = try device.store.addNote(articleID: article, body: "still here")
        await #expect(throws: SyncError.self) { try await device.sync() }
        do {
            try await device.sync()
        } catch let error as SyncError {
            guard case .unauthorized = error else { throw TestFailure("expected unauthorized, got \(error)") }
        }
        #expect(try device.store.pendingMutations().count == 1)
    }

    @Test func aRefusedConnectionIsTemporaryAndKeepsTheOutbox() async throws {
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        let device = try Device("device", server: server, token: token, url: URL(string: "http://127.0.0.1:9")!)
        try device.store.importFile(at: TestServer.samples[0])
        let article = try #require(try device.store.articles().first?.id)
        _ = try device.store.addNote(articleID: article, body: "offline note")
        do {
            try await device.sync()
            Issue.record("a sync to a closed port succeeded")
        } catch let error as SyncError {
            #expect(error.isTemporary, "\(error)")
        }
        #expect(try device.store.pendingMutations().count == 1)
    }

    /// The observation API says which changes came from local edits and which from the server.
    @Test func observersSeeLocalEditsAndServerChangesApart() async throws {
        let (_, _, a, b) = try await TestServer.withTwoDevices("a", "b")
        let article = try #require(try a.store.articles().first?.id)

        let stream = b.store.changes()
        let note = try a.store.addNote(articleID: article, body: "seen from b")
        try await a.sync()
        try b.store.markRead([article], true)
        try await b.sync()

        var local: StoreChange?
        var remote: StoreChange?
        for await change in stream {
            if change.origin == .local { local = change }
            if change.origin == .server, change.noteIDs.contains(note.id) { remote = change }
            if local != nil, remote != nil { break }
        }
        #expect(local?.articleIDs == [article])
        #expect(remote?.noteIDs.contains(note.id) == true)
    }

    private func localOnlyFeed(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("local-only.xml").path
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>Only here</title><link>https://only.example/</link>
        <item><title>A local article</title><guid>only-1</guid><description>Kept on one device.</description></item>
        </channel></rss>
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
