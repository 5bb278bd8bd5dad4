import Foundation
import GRDB
import GRDBSQLite

/// `reader_rank(articles_fts, kinds, weight...)`: FTS5's `bm25()` with the same k1, b and
/// column weights, except for how it learns how many articles hold each term.
///
/// `kinds` has a letter per phrase of the query, in order: `w` for a word or a phrase of
/// words, `p` for a prefix, and `+` for another of the words a prefix was expanded into
/// (`PrefixExpansion`): the words of one prefix are scored together, as the one prefix
/// FTS5 would have matched.
///
/// `bm25()` counts every article that holds each phrase of the query (its inverse document
/// frequency) before it scores the first row: at a million articles, a common word's count
/// reads hundreds of thousands of entries, and a prefix (`mark*`) merges the lists of every
/// word it starts a second time, after the query itself did. `reader_rank` counts a phrase
/// only once a row holds it, and stops at `countCap` articles, estimating the total from how
/// far the count got through the articles (they are counted oldest first, and articles are
/// spread evenly enough over their row ids for an estimate). A prefix (`kinds` has a `p` at
/// its place) and a phrase of several words are not counted at all: counting them would run
/// them a second time, a merge of every word the prefix starts or a check of the words'
/// positions in every article that holds them all, which is what the query itself costs.
/// They are weighted as a word in one article in a hundred. A query of one word, one prefix
/// (expanded or not) or one phrase ranks exactly as `bm25()` ranks it, since its weight
/// scales every score alike; a query of several weighs them by these estimates.
enum SearchRank {
    static let functionName = "reader_rank"
    /// Articles a phrase is counted up to before its total is estimated.
    static let countCap: Int64 = 2_000
    /// The share of articles a prefix, or a phrase of several words, is taken to be in.
    static let prefixShare = 0.01

    /// Adds the function to a connection; once per connection, as FTS5 keeps a list.
    static func register(_ db: Database) {
        let api = FTS5.api(db)
        _ = api.pointee.xCreateFunction(UnsafeMutablePointer(mutating: api), functionName, nil, rankFunction, nil)
    }

    /// How many of the `rows` articles hold a phrase, estimated from its capped count:
    /// `count` articles, the first at row id `first` and the last at `last`.
    static func estimatedHits(count: Int64, first: Int64, last: Int64, rows: Int64) -> Double {
        guard count >= countCap, last > first else { return Double(count) }
        let span = Double(last - first + 1)
        // Never fewer than were counted (row ids spread wider than `rows`, after pruning),
        // never more than there are.
        return min(Double(rows), max(Double(count), Double(count) / span * Double(rows)))
    }

    /// bm25's inverse document frequency, never below a small positive value (as in FTS5).
    static func idf(hits: Double, rows: Int64) -> Double {
        let value = log((Double(rows) - hits + 0.5) / (hits + 0.5))
        return value > 0 ? value : 1e-6
    }
}

/// What one MATCH query's rank calls share: the average row length and each phrase's weight,
/// found at its first need. FTS5 owns it through xSetAuxdata and frees it with the query.
private final class RankData {
    let rows: Int64
    let averageLength: Double
    /// The term each phrase belongs to: phrases are scored by term, and a term is one
    /// phrase except for a prefix expanded into several words.
    let termOf: [Int]
    /// The first phrase of each term.
    let firstPhrase: [Int]
    /// Whether each term is a prefix, from the `kinds` argument.
    let prefix: [Bool]
    /// The weight of each column, from the arguments after `kinds`.
    let weights: [Double]
    var idf: [Double?]
    var frequency: [Double]

    init(rows: Int64, averageLength: Double, phrases: Int, kinds: [UInt8], weights: [Double]) {
        self.rows = rows
        self.averageLength = averageLength
        self.weights = weights
        var termOf: [Int] = []
        var firstPhrase: [Int] = []
        var prefix: [Bool] = []
        for phrase in 0..<phrases {
            let kind = phrase < kinds.count ? kinds[phrase] : UInt8(ascii: "w")
            if kind != UInt8(ascii: "+") || prefix.isEmpty {
                firstPhrase.append(phrase)
                prefix.append(kind != UInt8(ascii: "w"))
            }
            termOf.append(prefix.count - 1)
        }
        self.termOf = termOf
        self.firstPhrase = firstPhrase
        self.prefix = prefix
        idf = Array(repeating: nil, count: prefix.count)
        frequency = Array(repeating: 0, count: prefix.count)
    }
}

/// The state of one capped count, passed through xQueryPhrase's user data.
private struct PhraseCount {
    var count: Int64 = 0
    var first: Int64 = 0
    var last: Int64 = 0
}

private let countCallback: @convention(c) (
    UnsafePointer<Fts5ExtensionApi>?, OpaquePointer?, UnsafeMutableRawPointer?
) -> Int32 = { api, fts, user in
    guard let api, let user, let rowid = api.pointee.xRowid?(fts) else { return SQLITE_ERROR }
    let state = user.assumingMemoryBound(to: PhraseCount.self)
    if state.pointee.count == 0 { state.pointee.first = rowid }
    state.pointee.count += 1
    state.pointee.last = rowid
    return state.pointee.count >= SearchRank.countCap ? SQLITE_DONE : SQLITE_OK
}

private let releaseRankData: @convention(c) (UnsafeMutableRawPointer?) -> Void = { pointer in
    guard let pointer else { return }
    Unmanaged<RankData>.fromOpaque(pointer).release()
}

private let rankFunction: @convention(c) (
    UnsafePointer<Fts5ExtensionApi>?, OpaquePointer?, OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?
) -> Void = { api, fts, context, argumentCount, arguments in
    guard let api = api?.pointee else { return }
    func fail(_ code: Int32) { sqlite3_result_error_code(context, code) }
    let data: RankData
    if let stored = api.xGetAuxdata?(fts, 0) {
        data = Unmanaged<RankData>.fromOpaque(stored).takeUnretainedValue()
    } else {
        var rows: Int64 = 0
        var tokens: Int64 = 0
        guard api.xRowCount?(fts, &rows) == SQLITE_OK, api.xColumnTotalSize?(fts, -1, &tokens) == SQLITE_OK else {
            return fail(SQLITE_ERROR)
        }
        let phrases = Int(api.xPhraseCount?(fts) ?? 0)
        // Arguments: the phrase kinds ("w" or "p" each), then one weight per column; read
        // once per query, as they are the same for every row.
        let kinds: [UInt8] = argumentCount > 0 && arguments?[0] != nil
            ? Array(UnsafeBufferPointer(start: sqlite3_value_text(arguments?[0]), count: Int(sqlite3_value_bytes(arguments?[0]))))
            : []
        let columns = Int(api.xColumnCount?(fts) ?? 0)
        let weights = (0..<columns).map { $0 + 1 < Int(argumentCount) ? sqlite3_value_double(arguments?[$0 + 1]) : 1 }
        data = RankData(rows: rows, averageLength: rows > 0 ? Double(tokens) / Double(rows) : 1, phrases: phrases,
                        kinds: kinds, weights: weights)
        let retained = Unmanaged.passRetained(data).toOpaque()
        guard api.xSetAuxdata?(fts, retained, releaseRankData) == SQLITE_OK else { return fail(SQLITE_NOMEM) }
    }

    for index in data.frequency.indices { data.frequency[index] = 0 }
    var instances: Int32 = 0
    guard api.xInstCount?(fts, &instances) == SQLITE_OK else { return fail(SQLITE_ERROR) }
    for instance in 0..<instances {
        var phrase: Int32 = 0
        var column: Int32 = 0
        var offset: Int32 = 0
        guard api.xInst?(fts, instance, &phrase, &column, &offset) == SQLITE_OK else { return fail(SQLITE_ERROR) }
        data.frequency[data.termOf[Int(phrase)]] += Int(column) < data.weights.count ? data.weights[Int(column)] : 1
    }
    var length: Int32 = 0
    guard api.xColumnSize?(fts, -1, &length) == SQLITE_OK else { return fail(SQLITE_ERROR) }

    let k1 = 1.2
    let b = 0.75
    let norm = k1 * (1 - b + b * Double(length) / data.averageLength)
    var score = 0.0
    for term in data.frequency.indices where data.frequency[term] > 0 {
        let phrase = data.firstPhrase[term]
        let idf: Double
        if let known = data.idf[term] {
            idf = known
        } else if data.prefix[term] || (api.xPhraseSize?(fts, Int32(phrase)) ?? 1) > 1 {
            idf = SearchRank.idf(hits: SearchRank.prefixShare * Double(data.rows), rows: data.rows)
            data.idf[term] = idf
        } else {
            var count = PhraseCount()
            let code = withUnsafeMutablePointer(to: &count) { pointer in
                api.xQueryPhrase?(fts, Int32(phrase), pointer, countCallback) ?? SQLITE_ERROR
            }
            guard code == SQLITE_OK else { return fail(code) }
            idf = SearchRank.idf(
                hits: SearchRank.estimatedHits(count: count.count, first: count.first, last: count.last, rows: data.rows),
                rows: data.rows
            )
            data.idf[term] = idf
        }
        let frequency = data.frequency[term]
        score += idf * (frequency * (k1 + 1)) / (frequency + norm)
    }
    sqlite3_result_double(context, -score)
}
