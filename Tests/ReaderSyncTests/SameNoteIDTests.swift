import Foundation
import ReaderModels
import ReaderStore
import ReaderSync
import Synchronization
import Testing

/// docs/SYNC.md, guarantee 9 where ids meet: two users who each have a note `same-id` see only
/// their own, and each user's merges use that user's own base revision.
@Suite struct SameNoteIDTests {
    /// A device whose first new id (its first note's) is `same-id`; later ids are random.
    static func device(_ name: String, server: TestServer, token: String) throws -> Device {
        let first = Mutex(true)
        return try Device(name, server: server, token: token, environment: StoreEnvironment(
            now: { Date() },
            makeID: { first.withLock { isFirst in defer { isFirst = false }; return isFirst } ? "same-id" : UUID().uuidString.lowercased() }
        ))
    }

    /// A user's note: two lines apart, so edits of each merge cleanly.
    static func text(_ user: String, _ first: String, _ last: String) -> String {
        "\(user) \(first)\n\(user)'s middle line\n\(user) \(last)"
    }

    @Test func twoUsersWithTheSameNoteIDEachKeepTheirOwn() async throws {
        let server = try await TestServer()
        var users: [(name: String, one: Device, two: Device)] = []
        for name in ["alice", "bob"] {
            let token = try await server.addUser(name)
            let one = try Self.device("\(name)-one", server: server, token: token)
            let two = try Self.device("\(name)-two", server: server, token: token)
            try await one.sync()
            try await two.sync()
            users.append((name, one, two))
        }
        let article = try #require(try users[0].one.store.articles().first?.id)
        for user in users {
            let note = try user.one.store.addNote(articleID: article, body: Self.text(user.name, "line one", "line two"))
            #expect(note.id == "same-id")
            try await user.one.sync()
        }
        for user in users {
            try await user.two.sync()
            #expect(try user.two.store.note(id: "same-id").body == Self.text(user.name, "line one", "line two"))
        }

        // Each device of a user edits a different line of the same revision: a clean merge,
        // against that user's revision only.
        for user in users {
            try user.one.store.editNote(id: "same-id", body: Self.text(user.name, "LINE ONE", "line two"))
            try user.two.store.editNote(id: "same-id", body: Self.text(user.name, "line one", "LINE TWO"))
        }
        for user in users {
            try await user.one.sync()
            try await user.two.sync()
            try await user.one.sync()
        }
        for user in users {
            let merged = Self.text(user.name, "LINE ONE", "LINE TWO")
            for device in [user.one, user.two] {
                let note = try device.store.note(id: "same-id")
                #expect(note.body == merged, "\(device.name)")
                #expect(!note.conflicted, "\(device.name)")
            }
            #expect(try user.one.export() == user.two.export())
        }
        #expect(try users[0].one.export() != users[1].one.export())
    }
}
