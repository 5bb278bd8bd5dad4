import Foundation
import ReaderStore
import ReaderSync
import Testing

/// docs/SYNC.md, guarantee 1: after everyone has pushed and pulled to the end, every device's
/// export is byte-identical.
@Suite struct ConvergenceTests {
    @Test func devicesMakingRandomOfflineEditsConverge() async throws {
        let seed = testSeed()
        var rng = SeededGenerator(seed: seed)
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        let devices = try (0..<4).map { try Device("device\($0)", server: server, token: token) }
        for device in devices { try await device.sync() }
        let articleIDs = try devices[0].store.articles().map(\.id)
        #expect(articleIDs.count == 13, "the samples hold 13 articles")

        let operations = operationCount(default: 300)
        var log: [String] = []
        for step in 0..<operations {
            let device = devices.randomElement(using: &rng) ?? devices[0]
            let what = try RandomEdits.apply(to: device.store, articleIDs: articleIDs, using: &rng)
            log.append("\(step) \(device.name): \(what)")
            if Int.random(in: 0..<6, using: &rng) == 0 {
                let syncing = devices.randomElement(using: &rng) ?? devices[0]
                try await syncing.sync()
                log.append("\(step) \(syncing.name): sync")
            }
        }
        // Everyone pushes, then everyone pulls what the others pushed.
        for device in devices { try await device.sync() }
        for device in devices { try await device.sync() }

        let exports = try devices.map { try $0.export() }
        for (index, export) in exports.enumerated().dropFirst() {
            #expect(export == exports[0], "device\(index) differs from device0; replay with READER_SYNC_SEED=\(seed)")
        }
        for device in devices { #expect(try device.store.status().pendingMutations == 0, "seed \(seed)") }
        // A device that never edited anything sees the same state.
        let newcomer = try Device("newcomer", server: server, token: token)
        try await newcomer.sync()
        #expect(try newcomer.export() == exports[0], "a fresh device differs; replay with READER_SYNC_SEED=\(seed)")
        if exports.contains(where: { $0 != exports[0] }) { print(log.suffix(40).joined(separator: "\n")) }
    }

    @Test func concurrentEditsOfOneNoteKeepEveryAddedLine() async throws {
        let (_, _, laptop, phone) = try await TestServer.withTwoDevices("laptop", "phone")
        let article = try #require(try laptop.store.articles().first?.id)
        let note = try laptop.store.addNote(articleID: article, body: "first line\nsecond line\nthird line")
        try await laptop.sync()
        try await phone.sync()

        // Offline on both: the laptop adds at the top and rewrites the middle; the phone
        // adds at the end and rewrites the same middle line differently.
        try laptop.store.editNote(id: note.id, body: "laptop intro\nfirst line\nsecond line, laptop version\nthird line")
        try phone.store.editNote(id: note.id, body: "first line\nsecond line, phone version\nthird line\nphone outro")
        try await laptop.sync()
        try await phone.sync()
        try await laptop.sync()

        let merged = try laptop.store.note(id: note.id)
        for line in ["laptop intro", "second line, laptop version", "second line, phone version", "phone outro", "first line", "third line"] {
            #expect(merged.body.contains(line), "\(line) was lost: \(merged.body)")
        }
        #expect(merged.conflicted)
        #expect(try phone.export() == laptop.export())
        #expect(try laptop.store.notes(conflictedOnly: true).map(\.id) == [note.id])

        // Resolving the conflict on one device clears it everywhere.
        try phone.store.editNote(id: note.id, body: "settled text")
        try await phone.sync()
        try await laptop.sync()
        #expect(try laptop.store.note(id: note.id).body == "settled text")
        #expect(try laptop.store.note(id: note.id).conflicted == false)
    }

    @Test func anEditBeatsAConcurrentDelete() async throws {
        let (_, _, a, b) = try await TestServer.withTwoDevices("a", "b")
        let article = try #require(try a.store.articles().first?.id)
        let note = try a.store.addNote(articleID: article, body: "keep me")
        try await a.sync()
        try await b.sync()
        try a.store.deleteNote(id: note.id)
        try b.store.editNote(id: note.id, body: "keep me, with more")
        try await b.sync()
        try await a.sync()
        try await b.sync()
        #expect(try a.store.note(id: note.id).body == "keep me, with more")
        #expect(try a.export() == b.export())

        // A delete made after seeing the edit does delete.
        try a.store.deleteNote(id: note.id)
        try await a.sync()
        try await b.sync()
        #expect(try b.store.notes().isEmpty)
    }
}
