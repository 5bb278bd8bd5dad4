import Foundation
import GRDB
import ReaderModels
@testable import ReaderStore
import Testing

/// During a refresh the write-ahead log is checkpointed by a thread of its own
/// (`ReaderStore.checkpointingBeside`), and stays bounded when the writer outruns it.
@Suite struct CheckpointTests {
    static let source = SourceDraft(key: "https://lock.example/feed", title: "Lock Keeper", kind: .rss)

    /// `count` articles of about 3 KB each, numbered from `first`.
    static func drafts(_ first: Int, count: Int) -> [ArticleDraft] {
        (first..<first + count).map { index in
            let words = (0..<400).map { "w\(($0 * 7919 + index * 104_729) % 5000)" }.joined(separator: " ")
            return ArticleDraft(source: source, guid: "lock-\(index)", title: "Gate \(index)", html: "<p>\(words)</p>", text: words)
        }
    }

    static func walBytes(_ store: ReaderStore) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size]) as? NSNumber)?.intValue ?? 0
    }

    /// Writes 40 transactions of 20 articles.
    static func write(_ store: ReaderStore) async throws {
        for batch in 0..<40 {
            try await store.async.importFetchedFeed(
                drafts(batch * 20, count: 20).map(PreparedArticle.init), state: FeedFetchState(url: source.key)
            )
        }
    }

    @Test func theBackgroundThreadCheckpointsAndTheWriterGetsItsOwnBack() async throws {
        let test = try TestStore()
        let checkpointer = try WALCheckpointer(path: test.store.path, writerPages: .max, backgroundPages: 8)
        try await test.store.checkpointing(with: checkpointer) { try await Self.write(test.store) }
        #expect(checkpointer.counts.background >= 1)
        #expect(checkpointer.counts.byWriter == 0)
        #expect(try test.store.search("w4999").count > 0)
        #expect(try test.store.status().articles == 800)
        let (integrity, autocheckpoint) = try await test.store.pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA integrity_check"), try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint"))
        }
        #expect(integrity == "ok")
        #expect(autocheckpoint == 2048, "the writer checkpoints by itself again, at 32 MB of 16 KB pages")
    }

    @Test func theWriterBoundsTheLogWhenTheCheckpointerFallsBehind() async throws {
        let test = try TestStore()
        // The background thread is never woken: only the writer's bound keeps the log small.
        let checkpointer = try WALCheckpointer(path: test.store.path, writerPages: 64, backgroundPages: .max)
        try await test.store.checkpointing(with: checkpointer) { try await Self.write(test.store) }
        #expect(checkpointer.counts.byWriter >= 1)
        #expect(checkpointer.counts.background == 0)
        #expect(try test.store.status().articles == 800)

        // Without any checkpoint the log holds every page written.
        let unbounded = try TestStore()
        let never = try WALCheckpointer(path: unbounded.store.path, writerPages: .max, backgroundPages: .max)
        try await unbounded.store.checkpointing(with: never) { try await Self.write(unbounded.store) }
        #expect(never.counts.byWriter == 0)
        let (bounded, all) = (Self.walBytes(test.store), Self.walBytes(unbounded.store))
        #expect(bounded * 3 < all, "the log started again after the writer's checkpoints: \(bounded) bytes, \(all) without")
    }
}
