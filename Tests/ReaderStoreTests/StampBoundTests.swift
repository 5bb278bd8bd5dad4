import Foundation
import GRDB
import ReaderModels
@testable import ReaderStore
import Testing

/// docs/SYNC.md, guarantee 12 on the device: a page or a push answer carrying a stamp more than
/// `HLC.maxLeadMillis` ahead of the device's clock is refused whole, and nothing of it is
/// adopted: not the record, not the stamp, not the cursor.
@Suite struct StampBoundTests {
    /// The TestStore's clock starts here.
    static let start: Int64 = 1_764_000_000_000
    static let extreme = HLC("9999999999999999-ffff-x")!

    static func noteChange(seq: Int64, body: String, stamp: HLC) -> SequencedChange {
        SequencedChange(seq: seq, change: .note(NoteRecord(
            id: "n1", articleID: "a000000000000001", anchor: nil, body: body, createdAt: "2026-11-24T10:00:00.000Z",
            updatedAt: "2026-11-24T10:00:00.000Z", revision: 1, conflicted: false, bodyHLC: stamp, anchorHLC: nil
        )))
    }

    @Test func aPageWithAStampFromTheFarFutureIsRefusedWhole() throws {
        let test = try TestStore()
        let source = Source(id: "5ource000001", key: "k", kind: .rss, title: "S", siteURL: nil, feedURL: nil)
        try test.store.applyChanges(ChangePage(changes: [
            SequencedChange(seq: 1, change: .source(source)),
            SequencedChange(seq: 2, change: .article(SyncApplyTests.article("a000000000000001", source: source.id))),
        ], nextCursor: "2", hasMore: false, serverHLC: SyncApplyTests.hlc))
        let clockBefore = try clock(test)

        for stamp in [Self.extreme, HLC(wallMillis: Self.start + HLC.maxLeadMillis + 60_000, counter: 0, node: "s")] {
            #expect(throws: StampTooFarAhead.self) {
                try test.store.applyChanges(ChangePage(
                    changes: [Self.noteChange(seq: 3, body: "from the future", stamp: stamp)],
                    nextCursor: "3", hasMore: false, serverHLC: SyncApplyTests.hlc
                ))
            }
            #expect(throws: StampTooFarAhead.self, "the server's own stamp is held to the bound too") {
                try test.store.applyChanges(ChangePage(changes: [], nextCursor: "3", hasMore: false, serverHLC: stamp))
            }
        }
        #expect(try test.store.notes().isEmpty)
        #expect(try test.store.syncSettings().cursor == "2")
        #expect(try clock(test) == clockBefore, "the device clock did not move")

        // Hours ahead is still fine.
        let hoursAhead = HLC(wallMillis: Self.start + 6 * 3_600_000, counter: 0, node: "s")
        try test.store.applyChanges(ChangePage(
            changes: [Self.noteChange(seq: 3, body: "six hours ahead", stamp: hoursAhead)],
            nextCursor: "3", hasMore: false, serverHLC: SyncApplyTests.hlc
        ))
        #expect(try test.store.notes().map(\.body) == ["six hours ahead"])
        #expect(try clock(test) > hoursAhead)
    }

    @Test func aPushAnswerWithAStampFromTheFarFutureSettlesNothing() throws {
        let test = try TestStore()
        let id = try #require(try test.seed([(title: "A", text: "text")]).first)
        let mutation = try #require(try test.store.apply(.setRead(articleIDs: [id], read: true)).mutations.first)
        let clockBefore = try clock(test)
        let record = ArticleStateRecord(
            articleID: id, read: true, starred: false, progress: 0, tags: [], hlc: StateStamps(read: Self.extreme)
        )
        let answer = PushResponse(
            results: [MutationResult(mutationID: mutation.id, status: .applied, outcome: .articleState(record), error: nil)],
            serverHLC: SyncApplyTests.hlc
        )
        #expect(throws: StampTooFarAhead.self) { try test.store.settle(answer) }
        #expect(try test.store.pendingCount() == 1, "the mutation stays in the outbox")
        #expect(try clock(test) == clockBefore)
    }

    /// A device clock saved beyond the bound by an earlier version is not resumed: its next
    /// edit is stamped near the wall clock, where the server accepts it.
    @Test func aPoisonedDeviceClockIsNotResumed() throws {
        let test = try TestStore()
        let id = try #require(try test.seed([(title: "A", text: "text")]).first)
        try test.store.write { db in try db.execute(sql: "UPDATE sync_state SET clock = '9999999999999999-ffff-x' WHERE id = 1") }
        let mutation = try #require(try test.store.apply(.setRead(articleIDs: [id], read: true)).mutations.first)
        #expect(!mutation.hlc.isTooFarAhead(of: Self.start + 3_600_000))
        #expect(mutation.hlc.wallMillis >= Self.start)
    }

    private func clock(_ test: TestStore) throws -> HLC {
        let text = try test.store.read { db in try String.fetchOne(db, sql: "SELECT clock FROM sync_state WHERE id = 1") }
        return try #require(text.flatMap(HLC.init))
    }
}
