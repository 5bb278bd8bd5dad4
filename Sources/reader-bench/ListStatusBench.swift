import Foundation
import ReaderStore

/// The first page of `reader articles list --unread` and `reader status` over the search
/// benchmark's database, timed as a person meets them: the release `reader` binary, process
/// start included, the median of `runs` runs. Beside each: the same SQL through the C API
/// (open, query, close), `ReaderStore`'s call in this process (open included), and
/// `reader --version`, the cost of starting the binary at all.
///
/// Over the database as imported, nothing read. With the newest articles read, the unread
/// list passes over every read article newer than its page (an index walk with a lookup
/// of each one's state): at 100,000 articles with the newest 50,000 read, 35–75 ms of CPU
/// (sqlite3 shell, 2026-12-01); a figure for that needs the read state written through
/// the store, which this benchmark does not do yet.
enum ListStatusBench {
    static let listGoal = 0.005
    static let statusGoal = 0.050
    static let runs = 21

    static func explain() {
        Report.note("list/status: medians of \(runs) runs; the CLI = the release `reader` binary, process start included; "
            + "store = ReaderStore opened and called in this process; raw = the same SQL through the C API (open, query, close)")
        Report.note("the list's goal is held by the store's figure (a process start alone is more than 5 ms), status's by the CLI's")
    }

    static func run(count: Int, database path: String) throws {
        let reader = try ChildProcess.sibling("reader")
        explain()
        let start = try median { try ChildProcess.run(reader, ["--version"]).seconds }
        Report.line("list", count, "reader --version (start only)", milliseconds(start), "(the floor of any command)")
        try measureAll(count: count, path: path, reader: reader, state: "nothing read")
    }

    private static func measureAll(count: Int, path: String, reader: String, state: String) throws {
        let raw = try median { try rawQuery(path, listSQL) }
        let store = try median { _ = try ReaderStore(path: path).articles(ArticleFilter(unreadOnly: true)) }
        let cli = try median { try ChildProcess.run(reader, ["articles", "list", "--unread", "--db", path]).seconds }
        // The page itself is held to the goal: the process's start is the CLI-start goal's.
        Report.line("list", count, "articles list --unread, \(state)", milliseconds(store),
                    "store, open included; raw \(milliseconds(raw)); the CLI \(milliseconds(cli))",
                    goal: Goal(text: "< \(milliseconds(listGoal))", met: store < listGoal))
        let rawStatus = try median { try rawQuery(path, statusSQL) }
        let rawCounting = try median { try rawQuery(path, countingSQL) }
        let storeStatus = try median { _ = try ReaderStore(path: path).status() }
        let cliStatus = try median { try ChildProcess.run(reader, ["status", "--db", path]).seconds }
        Report.line("status", count, "reader status, \(state)", milliseconds(cliStatus),
                    "the CLI; store \(milliseconds(storeStatus)), raw \(milliseconds(rawStatus)); "
                        + "counting articles and read ones instead of the kept counts, raw \(milliseconds(rawCounting))",
                    goal: Goal(text: "< \(milliseconds(statusGoal))", met: cliStatus < statusGoal))
    }

    /// Opens the database read-only, steps `sql` to its end and closes it; the seconds taken.
    private static func rawQuery(_ path: String, _ sql: String) throws -> Double {
        try measure {
            let database = try RawDatabase(path: path, readOnly: true)
            try database.prepare(sql).run()
        }.1
    }

    private static func median(_ body: () throws -> Double) throws -> Double {
        _ = try body()  // warm the page cache
        let samples = try (0..<runs).map { _ in try body() }.sorted()
        return samples[samples.count / 2]
    }

    private static func median(_ body: () throws -> Void) throws -> Double {
        try median { try measure(body).1 }
    }

    /// What `ArticleFilter(unreadOnly: true)` selects (`ArticleQuery`), its first page of 50.
    static let listSQL = """
        SELECT a.id, a.title, a.author, a.published_at, s.title AS source_title,
          st.read, st.starred, st.progress, st.tags
        FROM articles a JOIN sources s ON s.id = a.source_id
        LEFT JOIN article_states st ON st.article_id = a.id
        WHERE coalesce(st.read, 0) = 0 ORDER BY a.sort_at DESC, a.id LIMIT 50
        """

    /// The counts `ReaderStore.status` reads: the articles and the read ones are kept in
    /// `store_counts` (`StoreCounts`), the rest counted.
    static let statusSQL = """
        SELECT
          c.articles, c.read,
          \(otherCounts)
        FROM sync_state s JOIN store_counts c ON c.id = 1 WHERE s.id = 1
        """

    /// What `statusSQL` read before the counts were kept: every article and state counted.
    static let countingSQL = """
        SELECT
          (SELECT count(*) FROM articles INDEXED BY articles_source),
          (SELECT count(*) FROM article_states WHERE read = 1),
          \(otherCounts)
        FROM sync_state s WHERE s.id = 1
        """

    private static let otherCounts = """
        (SELECT count(*) FROM article_states WHERE starred = 1),
          (SELECT count(*) FROM notes WHERE deleted = 0),
          (SELECT count(*) FROM notes WHERE deleted = 0 AND conflicted = 1),
          (SELECT count(*) FROM sources),
          (SELECT count(*) FROM subscriptions WHERE subscribed = 1),
          (SELECT count(*) FROM outbox),
          (SELECT count(*) FROM rejected_mutations),
          (SELECT count(*) FROM notes WHERE deleted = 0 AND orphaned = 1),
          s.device_id, s.server_url, s.cursor, s.last_sync_at
        """
}
