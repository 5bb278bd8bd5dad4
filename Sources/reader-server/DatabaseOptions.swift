import ArgumentParser
import Foundation
import ReaderServer
import ReaderServerPostgres

/// The database every subcommand works on: a SQLite file (`--db PATH`, the default engine)
/// or a PostgreSQL database (`--database postgres://…`), exactly one of them.
///
/// A subcommand that does not run on PostgreSQL yet reads ``db``, which refuses a
/// PostgreSQL URL in one line instead of pretending; the others open the engine named with
/// ``withFeedRepository(tombstoneDays:refreshIntervalSeconds:retention:_:)``.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("The server's SQLite database file (created on first use). Env: READER_SERVER_DB.", valueName: "path"))
    var sqlitePath: String?

    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            "A PostgreSQL database instead of a SQLite file, as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (migrated on first use), which several `serve` processes may share. `serve`, `users add/list/password/rm`, `feeds add/list/refresh/rm` and `articles import` run on it; see docs/POSTGRES.md. Env: READER_SERVER_DATABASE.",
            valueName: "url"
        )
    )
    var databaseURL: String?

    func validate() throws {
        switch (sqlitePath, databaseURL) {
        case (nil, nil): throw ValidationError("name the database: --db PATH (SQLite) or --database postgres://USER@HOST:PORT/DATABASE")
        case (_?, _?): throw ValidationError("--db and --database name two databases (READER_SERVER_DB and READER_SERVER_DATABASE set them too): give one")
        case (nil, _?):
            // Refused before the subcommand reads anything (a password on stdin, a file).
            let path = Self.subcommand
            guard Self.onPostgres.contains(path) else { throw ValidationError(Self.notYet(path)) }
        case (_?, nil): break
        }
    }

    /// The subcommands that run on PostgreSQL so far.
    static let onPostgres: Set<[String]> = [
        ["serve"], ["users", "add"], ["users", "list"], ["users", "password"], ["users", "rm"], ["feeds", "add"], ["feeds", "list"],
        ["feeds", "refresh"], ["feeds", "rm"], ["articles", "import"],
    ]

    /// The subcommand being run, e.g. ["users", "add"]: its words before the first option.
    static var subcommand: [String] {
        let words = Array(CommandLine.arguments.dropFirst().prefix(while: { !$0.hasPrefix("-") }).prefix(2))
        // `serve` has no subcommand: a word after it is an argument.
        return words.first == "serve" ? ["serve"] : words
    }

    static func notYet(_ path: [String]) -> String {
        "`reader-server \(path.joined(separator: " "))` does not run on PostgreSQL yet (docs/POSTGRES.md says what does); use --db PATH for SQLite"
    }

    /// The SQLite file. A subcommand that reads this does not run on PostgreSQL yet, and
    /// says so when given `--database`.
    var db: String {
        get throws(RepositoryError) {
            guard let sqlitePath else { throw RepositoryError(Self.notYet(Self.subcommand)) }
            return sqlitePath
        }
    }

    /// The PostgreSQL database, when `--database` names one.
    func postgres() throws -> PostgresURL? {
        try databaseURL.map(PostgresURL.init)
    }
}

/// Runs `body` on the PostgreSQL repository at `url` and closes it after, whatever happened.
func withPostgres<Result>(_ url: PostgresURL, _ body: (PostgresSyncRepository) async throws -> Result) async throws -> Result {
    let repository = try await PostgresSyncRepository(url: url)
    do {
        let result = try await body(repository)
        await repository.close()
        return result
    } catch {
        await repository.close()
        throw error
    }
}

extension DatabaseOptions {
    /// Runs `body` on the engine named, SQLite or PostgreSQL, and closes it after, whatever
    /// happened.
    ///
    /// - Parameters:
    ///   - tombstoneDays: how long tombstones stay in the change feed.
    ///   - refreshIntervalSeconds: on PostgreSQL, how long after a fetch its feed is due
    ///     again, for every instance: `serve`'s `--refresh-interval`. The admin commands
    ///     leave it at 0, so a feed they fetch is due at the next refresh of every `serve`,
    ///     as on SQLite (whose refresh loop alone decides when it fetches).
    ///   - retention: how long articles are kept.
    func withFeedRepository<Result>(
        tombstoneDays: Int = 30, refreshIntervalSeconds: Int = 0, retention: ServerRetention = .standard,
        _ body: (any FeedRepository) async throws -> Result
    ) async throws -> Result {
        guard let url = try postgres() else {
            return try await body(SQLiteSyncRepository(path: db, tombstoneDays: tombstoneDays, retention: retention))
        }
        let repository = try await PostgresSyncRepository(
            url: url, tombstoneDays: tombstoneDays, refreshIntervalSeconds: refreshIntervalSeconds, retention: retention
        )
        do {
            let result = try await body(repository)
            await repository.close()
            return result
        } catch {
            await repository.close()
            throw error
        }
    }
}
