import Foundation
import GRDB

/// The words of the article index in a range, read from the index's own leaf pages.
///
/// `fts5vocab` gives the same words, but walks each word's whole list of documents to count
/// them: at a million articles the words of `stat` took 23-35 ms that way, `ma` 150 ms.
/// A word is stored once on the leaf page where its list begins, and `articles_fts_idx`
/// names, for each segment, the first word of each page that holds one; so only the pages
/// that hold words of the range are read, a few per segment.
///
/// The layout read here is FTS5's file format (SQLite's `fts5_index.c`, "Segment leaves"):
/// - the structure record (`articles_fts_data` row 10): a 4-byte cookie, then varints: the
///   number of levels, of segments, the write counter; for each level the segments being
///   merged, the segment count, and for each segment its id, first and last leaf page;
/// - a leaf page (row `segid << 37 + page`): a 4-byte header whose second big-endian 16-bit
///   field is where the page's footer starts; the footer is one varint per word on the page,
///   its offset as a delta of the one before; the first word is a varint length and its
///   bytes, each later one the bytes it shares with the word before, a varint length and
///   the bytes that follow;
/// - each word of the main index begins with the byte "0".
///
/// Anything else (a newer structure record, a page that does not parse) answers
/// `.unreadable`, and the caller asks `fts5vocab`. A word whose documents were all deleted
/// may still be on a page until the next merge: it is returned, and matches nothing.
enum IndexWords {
    enum Answer: Equatable {
        /// The words, sorted by their bytes.
        case words([String])
        /// More than the limit.
        case tooMany
        /// The index is not laid out as read here.
        case unreadable
    }

    /// The words from `lower` up to, not including, `upper`.
    static func words(_ db: Database, from lower: String, to upper: String, limit: Int) throws -> Answer {
        let low = [UInt8(ascii: "0")] + Array(lower.utf8), high = [UInt8(ascii: "0")] + Array(upper.utf8)
        guard let structure = try Data.fetchOne(db, sql: "SELECT block FROM articles_fts_data WHERE id = 10"),
              let segments = Self.segments(Array(structure))
        else { return .unreadable }
        let start = try db.cachedStatement(sql: """
            SELECT pgno FROM articles_fts_idx WHERE segid = ? AND term <= ? ORDER BY term DESC LIMIT 1
            """)
        let within = try db.cachedStatement(sql: "SELECT pgno FROM articles_fts_idx WHERE segid = ? AND term > ? AND term < ?")
        let leaf = try db.cachedStatement(sql: "SELECT block FROM articles_fts_data WHERE id = ?")
        var found = Set<[UInt8]>()
        for segment in segments {
            // pgno in the idx table is the page number shifted left, its low bit a flag.
            let first = try Int64.fetchOne(start, arguments: [segment.id, Data(low)]).map { $0 >> 1 } ?? segment.first
            var pages = Set(try Int64.fetchAll(within, arguments: [segment.id, Data(low), Data(high)]).map { $0 >> 1 })
            pages.insert(max(first, segment.first))
            for page in pages.sorted() where (segment.first...segment.last).contains(page) {
                guard let block = try Data.fetchOne(leaf, arguments: [segment.id << 37 + page]) else { continue }
                guard let words = Self.pageWords(Array(block)) else { return .unreadable }
                for word in words where word.lexicographicallyPrecedes(high) && !word.lexicographicallyPrecedes(low) {
                    found.insert(Array(word.dropFirst()))
                    if found.count > limit { return .tooMany }
                }
            }
        }
        return .words(found.sorted { $0.lexicographicallyPrecedes($1) }.map { String(decoding: $0, as: UTF8.self) })
    }

    struct Segment: Equatable { var id: Int64, first: Int64, last: Int64 }

    /// The segments the structure record lists; nil when it does not parse.
    static func segments(_ record: [UInt8]) -> [Segment]? {
        // A cookie of all ones marks the later structure record FTS5 writes for contentless
        // tables with deletes; it is not read here.
        guard record.count > 4, record[0..<4] != [0xFF, 0xFF, 0xFF, 0xFF] else { return nil }
        var reader = VarintReader(bytes: record, at: 4)
        guard let levels = reader.next(), reader.next() != nil, reader.next() != nil, levels < 64 else { return nil }
        var segments: [Segment] = []
        for _ in 0..<levels {
            guard reader.next() != nil, let count = reader.next(), count < 2_001 else { return nil }
            for _ in 0..<count {
                guard let id = reader.next(), let first = reader.next(), let last = reader.next(),
                      first <= last, last < 1 << 31 else { return nil }
                segments.append(Segment(id: Int64(id), first: Int64(first), last: Int64(last)))
            }
        }
        return segments
    }

    /// The words that begin on one leaf page; nil when it does not parse.
    static func pageWords(_ page: [UInt8]) -> [ArraySlice<UInt8>]? {
        guard page.count >= 4 else { return nil }
        let footer = Int(page[2]) << 8 | Int(page[3])
        guard footer >= 4, footer <= page.count else { return nil }
        var offsets = VarintReader(bytes: page, at: footer)
        var words: [ArraySlice<UInt8>] = []
        var offset = 0
        var word: [UInt8] = []
        while offsets.position < page.count {
            guard let delta = offsets.next() else { return nil }
            offset += Int(clamping: delta)
            guard offset >= 4, offset < footer else { return nil }
            var entry = VarintReader(bytes: page, at: offset)
            let kept: Int
            if words.isEmpty {
                kept = 0
            } else {
                guard let shared = entry.next(), shared <= word.count else { return nil }
                kept = Int(shared)
            }
            guard let length = entry.next(), length <= footer - entry.position else { return nil }
            word = Array(word[..<kept]) + page[entry.position..<entry.position + Int(length)]
            words.append(word[...])
        }
        return words
    }

    /// SQLite's varints: seven bits a byte, high bit set on all but the last, the ninth
    /// byte whole.
    struct VarintReader {
        let bytes: [UInt8]
        var position: Int

        init(bytes: [UInt8], at position: Int) {
            self.bytes = bytes
            self.position = position
        }

        mutating func next() -> UInt64? {
            var value: UInt64 = 0
            for index in 0..<9 {
                guard position < bytes.count else { return nil }
                let byte = bytes[position]
                position += 1
                if index == 8 { return value << 8 | UInt64(byte) }
                value = value << 7 | UInt64(byte & 0x7F)
                if byte & 0x80 == 0 { return value }
            }
            return nil
        }
    }
}
