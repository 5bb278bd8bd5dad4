import ReaderModels
import Testing

@Suite struct ResolverTests {
    private static func stamp(_ wall: Int64, _ node: String = "a") -> HLC {
        HLC(wallMillis: wall, counter: 0, node: node)
    }

    private static let blank = ArticleStateRecord(articleID: "x", read: false, starred: false, progress: 0, tags: [], hlc: StateStamps())

    @Test func stateFieldsAreLastWriterWinsEachOnItsOwn() throws {
        var current = Self.blank
        current.read = true
        current.hlc.read = Self.stamp(10)
        current.starred = true
        current.hlc.starred = Self.stamp(20)
        let (state, status) = try Resolver.applyState(
            ["read": .bool(false), "starred": .bool(false), "tags": .array([.string("b"), .string("a"), .string("b")])],
            hlc: Self.stamp(15), to: current
        )
        #expect(state.read == false && state.hlc.read == Self.stamp(15), "newer than the stored read")
        #expect(state.starred == true && state.hlc.starred == Self.stamp(20), "older than the stored starred")
        #expect(state.tags == ["a", "b"])
        #expect(status == .merged)
        let (again, allNewer) = try Resolver.applyState(["starred": .bool(false)], hlc: Self.stamp(30), to: state)
        #expect(again.starred == false && allNewer == .applied)
    }

    @Test func malformedStateChangesAreRejected() {
        for fields: JSONObject in [[:], ["read": .string("yes")], ["progress": .number(1.5)], ["colour": .bool(true)]] {
            #expect(throws: Resolver.Rejection.self) { try Resolver.applyState(fields, hlc: Self.stamp(1), to: Self.blank) }
        }
    }

    @Test func subscriptionsAreLastWriterWins() throws {
        let (added, status) = try Resolver.applySubscription(["subscribed": .bool(true)], url: "u", hlc: Self.stamp(10), to: nil)
        #expect(added.subscribed && status == .applied)
        let (stale, lost) = try Resolver.applySubscription(["subscribed": .bool(false)], url: "u", hlc: Self.stamp(5), to: added)
        #expect(stale == added && lost == .merged)
        let (removed, _) = try Resolver.applySubscription(["subscribed": .bool(false)], url: "u", hlc: Self.stamp(11), to: added)
        #expect(!removed.subscribed)
    }

    /// A note at revision 2 whose text changed after revision 1.
    private static func editedNote(deleted: Bool = false) -> Resolver.StoredNote {
        let record = NoteRecord(
            id: "n", articleID: "x", anchor: nil, body: "one\ntwo, edited", createdAt: "c", updatedAt: "u", revision: 2,
            conflicted: false, bodyHLC: stamp(20), anchorHLC: nil
        )
        return Resolver.StoredNote(record: record, deleted: deleted)
    }

    @Test func anEditBeatsADeleteThatHadNotSeenIt() throws {
        let result = try Resolver.applyNote(
            op: .delete, noteID: "n", fields: [:], baseRevision: 1, hlc: Self.stamp(30), current: Self.editedNote(),
            baseBody: "one\ntwo", now: "now"
        )
        #expect(!result.note.deleted && result.status == .merged && !result.changed)
    }

    @Test func aDeleteAfterASeenEditApplies() throws {
        let result = try Resolver.applyNote(
            op: .delete, noteID: "n", fields: [:], baseRevision: 2, hlc: Self.stamp(30), current: Self.editedNote(),
            baseBody: "one\ntwo, edited", now: "now"
        )
        #expect(result.note.deleted && result.status == .applied && result.changed)
        #expect(result.note.record.revision == 3)
    }

    @Test func anEditRestoresADeletedNote() throws {
        let result = try Resolver.applyNote(
            op: .update, noteID: "n", fields: ["body": .string("back again")], baseRevision: 2, hlc: Self.stamp(40),
            current: Self.editedNote(deleted: true), baseBody: "one\ntwo, edited", now: "now"
        )
        #expect(!result.note.deleted && result.note.record.body == "back again" && result.status == .merged)
    }

    @Test func conflictingEditsKeepBothAndAnEditOnTheConflictClearsIt() throws {
        let conflicted = try Resolver.applyNote(
            op: .update, noteID: "n", fields: ["body": .string("one\ntwo, mine")], baseRevision: 1, hlc: Self.stamp(30),
            current: Self.editedNote(), baseBody: "one\ntwo", now: "now"
        )
        #expect(conflicted.status == .keptBoth && conflicted.note.record.conflicted)
        #expect(conflicted.note.record.body.contains("two, mine") && conflicted.note.record.body.contains("two, edited"))
        let resolved = try Resolver.applyNote(
            op: .update, noteID: "n", fields: ["body": .string("one\ntwo, settled")], baseRevision: 3, hlc: Self.stamp(40),
            current: conflicted.note, baseBody: conflicted.note.record.body, now: "later"
        )
        #expect(resolved.status == .applied && !resolved.note.record.conflicted && resolved.note.record.revision == 4)
    }

    @Test func updatingAnUnknownNoteIsRejected() {
        #expect(throws: Resolver.Rejection(.unknownNote, "no note n")) {
            try Resolver.applyNote(
                op: .update, noteID: "n", fields: ["body": .string("x")], baseRevision: 1, hlc: Self.stamp(1),
                current: nil, baseBody: nil, now: "now"
            )
        }
    }

    /// A device six hours ahead writes first; a device with a correct clock that has received
    /// that write (pulled it) writes later. The later write wins, because receiving moved its
    /// clock past the fast stamp; skew cannot make an older write win.
    @Test(arguments: [Int64(6 * 3_600_000), 1, 86_400_000])
    func skewedClocksDoNotReorderACausallyLaterWrite(skew: Int64) throws {
        let now: Int64 = 1_764_000_000_000
        var fast = HybridClock(node: "fast")
        var slow = HybridClock(node: "slow")
        let first = fast.tick(wallMillis: now + skew)
        let (afterFirst, _) = try Resolver.applyState(["read": .bool(true)], hlc: first, to: Self.blank)
        try slow.receive(first, wallMillis: now + 1)
        let second = slow.tick(wallMillis: now + 2)
        #expect(second > first)
        let (afterSecond, status) = try Resolver.applyState(["read": .bool(false)], hlc: second, to: afterFirst)
        #expect(afterSecond.read == false && status == .applied)
    }
}
