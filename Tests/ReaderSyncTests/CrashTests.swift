import Foundation
import GRDB
import LoopbackHTTP
import ReaderStore
import Testing

/// docs/SYNC.md, guarantee 5: `reader sync` killed with SIGKILL at any moment leaves a sound
/// database that holds every pending mutation and converges on the next sync.
@Suite struct CrashTests {
    @Test func syncKilledAtRandomMomentsLosesNothing() async throws {
        let seed = testSeed()
        print("CrashTests.syncKilledAtRandomMomentsLosesNothing: seed \(seed) (replay with READER_SYNC_SEED=\(seed))")
        var rng = SeededGenerator(seed: seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Enough content that a kill can land while pages are downloaded and applied.
        let feed = try writeFeed(articles: 1500, to: folder.appendingPathComponent("big.xml").path)
        let server = try await TestServer(imports: [feed])
        let token = try await server.addUser("alice")
        let db = folder.appendingPathComponent("client.sqlite").path
        let store = try ReaderStore(path: db)
        var written: [String: String] = [:] // note id -> the text last written

        let rounds = operationCount(default: 12)
        // In this round the test holds the database's write lock while the sync runs, so
        // the sync cannot finish (it waits up to its 5 s busy timeout to write) and the
        // kill, well within that, is certain; the other rounds may finish before theirs.
        let certainRound = Int.random(in: 0..<rounds, using: &rng)
        var killed = 0
        var outcomes: [String] = []
        for round in 0..<rounds {
            // Offline edits between syncs, on whatever articles have arrived so far.
            let articles = try store.articles().prefix(200).map(\.id)
            if !articles.isEmpty {
                for _ in 0..<Int.random(in: 5...25, using: &rng) {
                    if let existing = written.keys.sorted().randomElement(using: &rng), Bool.random(using: &rng) {
                        let text = "edited \(UInt32.random(in: 0...UInt32.max, using: &rng))"
                        try store.editNote(id: existing, body: text)
                        written[existing] = text
                    } else {
                        let text = "note \(UInt32.random(in: 0...UInt32.max, using: &rng))"
                        let note = try store.addNote(articleID: articles.randomElement(using: &rng) ?? articles[0], body: text)
                        written[note.id] = text
                    }
                }
            }
            let pendingBefore = try store.pendingMutations()

            let arguments = ["sync", "--db", db, "--server", server.url.absoluteString, "--token", token]
            let delay = UInt32(Int.random(in: 30_000...600_000, using: &rng))
            let errors = folder.appendingPathComponent("sync-stderr.txt")
            // On a thread of its own: a thread sleep keeps the kill on time however busy the
            // cooperative pool is, and holds none of the pool's threads meanwhile.
            let lock = round == certainRound ? db : nil
            let run = try await onOwnThread { try Self.runAndKill(arguments, after: delay, errors: errors, holdingWriteLockOn: lock) }
            #expect(run.killed || lock == nil, "the sync run while the test held the write lock was not killed: \(run.outcome ?? "it finished"); seed \(seed)")
            if run.killed { killed += 1 }
            if let outcome = run.outcome { outcomes.append(outcome) }

            #expect(try integrityCheck(db) == "ok", "seed \(seed)")
            // A mutation pending before the kill either is still pending or left the outbox
            // because the server applied it: none disappears unacknowledged.
            let gone = Set(pendingBefore.map(\.id)).subtracting(try store.pendingMutations().map(\.id))
            let applied = try await server.appliedMutationIDs()
            #expect(gone.isSubset(of: applied), "\(gone.subtracting(applied).count) mutations vanished; seed \(seed)")
        }
        #expect(killed > 0, "no sync was killed; failed syncs: \(outcomes); seed \(seed)")

        _ = try await TestServer.run(TestServer.binary("reader"), ["sync", "--db", db, "--server", server.url.absoluteString, "--token", token])
        #expect(try store.status().pendingMutations == 0)
        #expect(try store.articles(ArticleFilter(limit: 5000)).count == 1500)
        let fresh = try Device("fresh", server: server, token: token, folder: folder)
        try await fresh.sync()
        for (id, text) in written {
            let body = try fresh.store.note(id: id).body
            #expect(body == text, "note \(id) should read \(text.debugDescription), reads \(body.debugDescription); seed \(seed)")
        }
        #expect(try fresh.export() == String(decoding: try store.exportUserState().canonicalJSON(), as: UTF8.self))
    }

    /// Starts `reader ARGS`, SIGKILLs it after `delay` µs if it is still running, and says
    /// whether it was killed or how it failed on its own. With `lockedDatabase`, the
    /// database's write lock is held from before the start until after the kill.
    private static func runAndKill(
        _ arguments: [String], after delay: UInt32, errors: URL, holdingWriteLockOn lockedDatabase: String?
    ) throws -> (killed: Bool, outcome: String?) {
        guard let lockedDatabase else { return try runAndKill(arguments, after: delay, errors: errors) }
        let queue = try DatabaseQueue(path: lockedDatabase)
        var result: (killed: Bool, outcome: String?) = (false, nil)
        try queue.inTransaction(.immediate) { _ in
            result = try runAndKill(arguments, after: delay, errors: errors)
            return .rollback
        }
        return result
    }

    private static func runAndKill(_ arguments: [String], after delay: UInt32, errors: URL) throws -> (killed: Bool, outcome: String?) {
        let process = try ChildProcess(TestServer.binary("reader"), arguments, stderr: .file(errors.path))
        usleep(delay)
        var killed = false
        if process.isRunning {
            process.signal(SIGKILL)
            killed = true
        }
        guard case .exited(let status) = process.wait(), status != 0 else { return (killed, nil) }
        return (killed, "exit \(status): \((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
    }

    private func integrityCheck(_ path: String) throws -> String {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } ?? "no answer"
    }

    private func writeFeed(articles: Int, to path: String) throws -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Crash Course</title><link>https://crash.example/</link>"#
        let paragraph = String(repeating: "The lighthouse keeper logged the weather, the tides and every passing ship. ", count: 12)
        for index in 0..<articles {
            xml += "<item><title>Entry \(index)</title><guid>crash-\(index)</guid>"
            xml += "<pubDate>Mon, 02 Mar 2026 \(String(format: "%02d:%02d", index / 60 % 24, index % 60)):00 GMT</pubDate>"
            xml += "<description>\(paragraph) Entry number \(index).</description></item>"
        }
        xml += "</channel></rss>"
        try xml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
