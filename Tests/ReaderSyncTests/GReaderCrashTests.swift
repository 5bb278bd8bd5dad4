import Foundation
import GRDB
import LoopbackHTTP
import ReaderStore
import Testing

/// docs/SYNC.md, guarantees 2 and 5, with a GReader account: `reader sync` killed with
/// SIGKILL while a write or a page of items is on its way leaves a sound database that
/// holds every unacknowledged edit, and the next sync converges.
@Suite struct GReaderCrashTests {
    /// Starts `reader sync`, waits until the service holds one of its requests, and kills it.
    static func syncKilledWhileHeld(_ service: GReaderFakeService, db: String) async throws {
        let heldBefore = service.core.state.withLock { $0.held }
        let process = try ChildProcess(TestServer.binary("reader"), ["sync", "--db", db])
        let reached = await eventually { service.core.state.withLock { $0.held } > heldBefore }
        process.signal(SIGKILL)
        #expect(reached && process.wait() == .signalled(SIGKILL))
    }

    static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<1000 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    static func integrity(_ db: String) throws -> String {
        try DatabaseQueue(path: db).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } ?? "no answer"
    }

    @Test func syncKilledDuringAWriteOrAPageLosesNothing() async throws {
        let service = try GReaderFakeService(.freshRSS)
        GReaderSyncTests.seed(service, count: 10, firstCrawl: Int64(Date().timeIntervalSince1970) - 7200)
        let folder = try TestFolder.make("greader-crash")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("reader.sqlite").path
        let (status, output) = try GReaderCLITests.reader(
            ["login", "--db", db, "--api", "greader", "--server", service.baseURL.absoluteString, "--user", "alice"], input: "correct horse\n"
        )
        #expect(status == 0, "\(output)")
        #expect(try GReaderCLITests.reader(["sync", "--db", db]).0 == 0)
        let store = try ReaderStore(path: db)
        let ids = (0..<3).map { GReaderSyncTests.articleID(service, $0) }
        try store.markRead(ids)
        let note = try store.addNote(articleID: ids[0], body: "kept through the kill")

        // Killed while edit-tag is on its way: the edits are still pending.
        service.core.update { $0.hold = ["/reader/api/0/edit-tag"] }
        try await Self.syncKilledWhileHeld(service, db: db)
        service.core.update { $0.hold = [] }
        #expect(try Self.integrity(db) == "ok")
        #expect(try store.pendingMutations().filter { $0.entity == .articleState }.count == 3)

        // Killed while a page of new items is on its way: the pushed edits are settled, the
        // cursor stays with the last page applied.
        service.core.update { state in
            let now = Int64(Date().timeIntervalSince1970)
            for index in 0..<25 {
                state.items.append(.init(id: UInt64(now - 60 + Int64(index)) * 1_000_000, feed: 1, crawlSeconds: now - 60 + Int64(index), title: "Late \(index)", body: "late"))
            }
            state.hold = ["/reader/api/0/stream/items/contents"]
        }
        try await Self.syncKilledWhileHeld(service, db: db)
        service.core.update { $0.hold = [] }
        #expect(try Self.integrity(db) == "ok")
        #expect(try store.pendingCount() == 0)
        #expect(service.core.state.withLock { state in state.items.prefix(3).allSatisfy(\.read) })

        #expect(try GReaderCLITests.reader(["sync", "--db", db]).0 == 0)
        #expect(try store.status().articles == 35)
        #expect(try store.note(id: note.id).body == "kept through the kill")
        #expect(try ids.allSatisfy { try store.article(id: $0).state.read })
        #expect(try store.pendingCount() == 0 && store.rejectedMutations().isEmpty)
    }
}
