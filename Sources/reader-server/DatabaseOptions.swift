import ArgumentParser
import Foundation
import ReaderServer
import ReaderServerPostgres

/// The database every subcommand works on: a SQLite file (`--db PATH`, the default engine)
/// or a PostgreSQL database (`--database postgres://…`), exactly one of them.
///
/// The PostgreSQL engine is unfinished (docs/POSTGRES.md): a subcommand that does not run
/// on it yet reads ``db``, which refuses a PostgreSQL URL in one line instead of pretending.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("The server's SQLite database file (created on first use). Env: READER_SERVER_DB.", valueName: "path"))
    var sqlitePath: String?

    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            "A PostgreSQL database instead of a SQLite file, as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (migrated on first use). So far only `users add`, `users list` and `users rm` run on it. Env: READER_SERVER_DATABASE.",
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
    static let onPostgres: Set<[String]> = [["users", "add"], ["users", "list"], ["users", "rm"]]

    /// The subcommand being run, e.g. ["users", "add"]: its words before the first option.
    static var subcommand: [String] {
        Array(CommandLine.arguments.dropFirst().prefix(while: { !$0.hasPrefix("-") }).prefix(2))
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
