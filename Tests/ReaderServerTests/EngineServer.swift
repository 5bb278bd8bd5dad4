import Foundation
import GRDB
import Hummingbird
import LoopbackHTTP
import PostgresNIO
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import ReaderServerPostgres
import Testing

/// The storage engines the feed and retention suites run their tests on: SQLite always,
/// PostgreSQL where it is installed (always in CI, where a missing one fails the run: see
/// `PostgresTestCluster`).
enum FeedEngine: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    static var available: [FeedEngine] { PostgresTestCluster.canRun ? allCases : [.sqlite] }

    var testDescription: String { rawValue }
}

/// A server's repository on either engine, on a fresh SQLite file or a fresh PostgreSQL
/// database, with a wall clock the test moves by hand, and the sync router over it.
///
/// On PostgreSQL a fetched feed is due again at the next refresh (a refresh interval of 0),
/// as on SQLite, so one test body holds for both.
struct EngineServer: Sendable {
    let engine: FeedEngine
    let folder: URL
    let repository: any FeedRepository
    let clock: ManualClock
    private let postgres: PostgresSyncRepository?
    private let sqlite: SQLiteSyncRepository?

    init(_ engine: FeedEngine, tombstoneDays: Int = 30, retention: ServerRetention = .standard) async throws {
        self.engine = engine
        folder = try TestFolder.make("feeds")
        let clock = ManualClock()
        self.clock = clock
        switch engine {
        case .sqlite:
            let repository = try SQLiteSyncRepository(
                path: folder.appendingPathComponent("server.sqlite").path, tombstoneDays: tombstoneDays,
                retention: retention, wallMillis: { clock.millis }
            )
            (self.repository, sqlite, postgres) = (repository, repository, nil)
        case .postgres:
            let repository = try await PostgresSyncRepository(
                url: try await PostgresTestCluster.freshDatabase(), tombstoneDays: tombstoneDays, refreshIntervalSeconds: 0,
                retention: retention, wallMillis: { clock.millis }
            )
            (self.repository, sqlite, postgres) = (repository, nil, repository)
        }
    }

    /// Closes the database's connections and removes the folder.
    func close() async {
        await postgres?.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The sync API's router over this repository, for `app.test(.router)`.
    var app: some ApplicationProtocol {
        Application(
            router: buildRouter(repository, accessLog: AccessLogSink { _ in }),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0))
        )
    }

    func addUser(_ name: String) async throws -> String {
        try await repository.addUser(named: name)
    }

    /// `TestServer.importArticles`, on this engine.
    @discardableResult
    func importArticles(_ count: Int, start: Int = 0, for users: [String]? = nil) async throws -> ImportReport {
        let path = folder.appendingPathComponent("feed-\(UUID().uuidString).xml").path
        try TestServer.rss(count: count, start: start, revision: "", source: "Test Feed")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let names = if let users { users } else { try await repository.users().map(\.name) }
        return try await repository.importFile(at: path, for: names)
    }

    /// Runs `sqlite` or `postgres`, whichever is this server's engine: for a test that
    /// plants something (a trigger) in the database behind the repository's back.
    /// PostgreSQL takes one statement at a time, so `postgres` is a list.
    func execute(sqlite sqliteSQL: String, postgres postgresSQL: [String]) async throws {
        if let sqlite {
            try await sqlite.pool.write { try $0.execute(sql: sqliteSQL) }
        } else if let postgres {
            for statement in postgresSQL { try await postgres.database.execute(statement) }
        }
    }

    /// The ids of every article the server stores.
    func storedArticles() async throws -> Set<String> {
        if let sqlite {
            return try await sqlite.pool.read { Set(try String.fetchAll($0, sql: "SELECT id FROM articles")) }
        }
        guard let postgres else { return [] }
        var ids: Set<String> = []
        for try await id in try await postgres.database.client.query("SELECT id FROM articles", logger: postgres.database.logger)
            .decode(String.self) { ids.insert(id) }
        return ids
    }
}
