import Foundation
import GRDB
import LoopbackHTTP
import ReaderModels
@testable import ReaderStore
import Testing

@Suite struct SavedIDsTests {
    /// A database file of the test's own, for the temporary table the ids move to.
    static func database() throws -> DatabaseQueue {
        let folder = TestFolder.url("saved-ids")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try DatabaseQueue(path: folder.appendingPathComponent("ids.sqlite").path)
    }

    /// Inserts `ids` in turn; true for each that was new.
    static func insert(_ ids: [String], into saved: inout ArticleWriter.SavedIDs, _ db: Database) throws -> [Bool] {
        try ids.map { try saved.insert($0, db: db) }
    }

    @Test func anIDIsFoundAgainWhateverItsFormAndNoTwoIDsShareAnEntry() throws {
        let (added, spilled) = try Self.database().write { db in
            var saved = ArticleWriter.SavedIDs()
            // Uppercase spells the same number, but it is another id.
            let added = try Self.insert([
                "00008d52e9eaaaf3", "00008d52e9eaaaf3", "00008D52E9EAAAF3", "00008D52E9EAAAF3", "8d52e9eaaaf3",
                "server-id-1", "server-id-1",
            ], into: &saved, db)
            return (added, saved.isSpilled)
        }
        #expect(added == [true, false, true, false, true, true, false])
        #expect(!spilled)
        #expect(ArticleWriter.SavedIDs.number("ffffffffffffffff") == UInt64.max)
        #expect(ArticleWriter.SavedIDs.number("000000000000000g") == nil)
    }

    @Test func pastItsLimitTheSetMovesToATableAndStillFindsEveryID() throws {
        let (before, after, rows) = try Self.database().write { db in
            var saved = ArticleWriter.SavedIDs(limit: 4)
            let before = try Self.insert(["0000000000000001", "ffffffffffffffff", "1", "server-id-1"], into: &saved, db)
            #expect(!saved.isSpilled)
            let after = try Self.insert([
                "0000000000000002",
                // Ids saved before the move, and the one that caused it.
                "0000000000000001", "ffffffffffffffff", "1", "server-id-1", "0000000000000002",
                // The number 1 and the text "1" are two ids; so are two spellings of one number.
                "0000000000000003", "0000000000000003", "000000000000000A", "000000000000000a", "000000000000000A",
            ], into: &saved, db)
            #expect(saved.isSpilled)
            return (before, after, try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.reader_saved_ids"))
        }
        #expect(before == [true, true, true, true])
        #expect(after == [true, false, false, false, false, false, true, false, true, true, false])
        #expect(rows == 8)
    }

    /// The temporary table outlives the transaction on its connection: the next set that
    /// moves there must not find the ids of the one before, whether they come before or
    /// after the move.
    @Test func aLaterTransactionDoesNotSeeTheIDsOfAnEarlierOne() throws {
        let database = try Self.database()
        let ids = (1...8).map { String(format: "%016x", $0) }
        let first = try database.write { db in
            var saved = ArticleWriter.SavedIDs(limit: 2)
            return (try Self.insert(Array(ids[0..<5]), into: &saved, db), saved.isSpilled)
        }
        let second = try database.write { db in
            var saved = ArticleWriter.SavedIDs(limit: 2)
            // Three new ids move the set to the table, then the first transaction's come.
            let order = Array(ids[5..<8] + ids[0..<5])
            return (try Self.insert(order + order, into: &saved, db), saved.isSpilled)
        }
        #expect(first.0 == Array(repeating: true, count: 5) && first.1)
        #expect(second.0 == Array(repeating: true, count: 8) + Array(repeating: false, count: 8) && second.1)
    }

    /// One import of more drafts than the set keeps in memory: a guid repeated after the ids
    /// moved to the table is still a duplicate, the first copy wins, and importing the same
    /// drafts again changes nothing.
    @Test func anImportPastTheLimitStillSkipsARepeatedGuid() throws {
        let test = try TestStore()
        let source = SourceDraft(key: "https://quay.example/", title: "Quay Weekly", kind: .rss)
        func draft(_ n: Int, _ word: String) -> ArticleDraft {
            ArticleDraft(source: source, guid: "g\(n)", title: "Item \(n)", html: "", text: "\(word) number \(n)")
        }
        let count = ArticleWriter.SavedIDs.memoryLimit + 5
        let drafts = [draft(7, "alpha")] + (0..<count).map { draft($0, "alpha") } + [draft(3, "omega"), draft(count - 1, "omega")]
        let first = try test.store.importArticles(drafts)
        #expect([first.new, first.updated, first.unchanged, first.duplicates] as [Int] == [count, 0, 0, 3])
        #expect(try test.store.search("omega").isEmpty)
        let second = try test.store.importArticles(drafts)
        #expect([second.new, second.updated, second.unchanged, second.duplicates] as [Int] == [0, 0, count, 3])
        #expect(try test.count("SELECT count(*) FROM articles") == count)
    }
}
