import GRDB

/// Turns an article search's `word*` into the words the index holds that start with it,
/// joined by OR.
///
/// FTS5 answers a prefix by merging the list of every word it starts into one list of
/// articles before it returns the first: at a million articles, `mark*` merges hundreds of
/// thousands of entries, though a search ranks only the newest 2,000 matches. Words joined by
/// OR are read newest first side by side and stop with the window. `reader-bench search`
/// measured prefix queries' p99 at a million articles about halved.
///
/// The words are read from the index's leaf pages (`IndexWords`), or, should their layout
/// not be the one known there, from `temp.articles_vocabulary`, an `fts5vocab` table over
/// the index that each connection makes for itself (`register(_:)`). A prefix is left to
/// FTS5 when the expansion would not pay or could be wrong:
/// - a one-letter prefix, or one that starts more than `wordLimit` words;
/// - a prefix with anything but ASCII letters and digits, whose folding (accents, case,
///   several tokens) the tokenizer would have to be asked for;
/// - a prefix no word starts: FTS5 finds nothing as fast.
///
/// Notes keep FTS5's own prefix: their index is small.
enum PrefixExpansion {
    /// The most words a prefix is expanded to.
    static let wordLimit = 4_000

    /// Makes the connection's vocabulary table; once per connection. It reads the index as
    /// it is at each query, so writes need not touch it.
    static func register(_ db: Database) throws {
        try db.execute(sql: "CREATE VIRTUAL TABLE IF NOT EXISTS temp.articles_vocabulary USING fts5vocab(main, articles_fts, row)")
    }

    /// The indexed words `term` starts, or nil to leave it to FTS5.
    static func words(_ db: Database, for term: SearchQuery.Term) throws -> [String]? {
        guard term.prefix, term.text.count >= 2, term.text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return nil }
        let prefix = term.text.lowercased()
        // Every word from the prefix up to, not including, the prefix with its last letter
        // raised by one ("mark" to "marl").
        var end = Array(prefix.utf8)
        end[end.count - 1] += 1
        let upper = String(decoding: end, as: UTF8.self)
        switch try IndexWords.words(db, from: prefix, to: upper, limit: wordLimit) {
        case .words(let words): return words.isEmpty ? nil : words
        case .tooMany: return nil
        case .unreadable: break
        }
        let words = try String.fetchAll(
            db.cachedStatement(sql: "SELECT term FROM temp.articles_vocabulary WHERE term >= ? AND term < ? LIMIT ?"),
            arguments: [prefix, upper, wordLimit + 1]
        )
        return words.isEmpty || words.count > wordLimit ? nil : words
    }

    /// Each prefix term of `query` with the words it expands to.
    static func expansions(_ db: Database, _ query: SearchQuery) throws -> [SearchQuery.Term: [String]] {
        var expansions: [SearchQuery.Term: [String]] = [:]
        for term in query.clauses.joined() + query.excluded where term.prefix && expansions[term] == nil {
            if let words = try words(db, for: term) { expansions[term] = words }
        }
        return expansions
    }
}
