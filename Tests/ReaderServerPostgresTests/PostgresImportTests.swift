import Foundation
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// Imports on PostgreSQL, checked against the SQLite engine doing the same: the same
/// changes, in the same order, reach the user's feed.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresImportTests {
    static let samples = PostgresTestCluster.root.appendingPathComponent("Sources/reader/Samples")

    /// A feed as a device sees it: what changed, in order, without numbers or instants.
    static func shape(_ page: ChangePage) -> [String] {
        page.changes.map { change in
            switch change.change {
            case .article(let record): "article \(record.id) \(record.title) \(record.contentHash)"
            case .source(let record): "source \(record.id) \(record.title)"
            case .tombstone(let entity, let id): "tombstone \(entity.rawValue) \(id)"
            default: "\(change.change.entity.rawValue) \(change.change.id)"
            }
        }
    }

    @Test func anImportReachesTheFeedAsOnSQLite() async throws {
        let files = ["harbour-gazette.xml", "night-sky.json"].map { Self.samples.appendingPathComponent($0).path }
        let postgres = try await PostgresSyncRepository(url: try await PostgresTestCluster.freshDatabase())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pg-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = try SQLiteSyncRepository(path: folder.appendingPathComponent("server.sqlite").path)

        var feeds: [[String]] = []
        for repository in [postgres as any Importing, sqlite as any Importing] {
            let alice = try #require(try await repository.authenticate(token: try await repository.addUser(named: "alice")))
            _ = try await repository.addUser(named: "bob")
            var reports: [ImportReport] = []
            for file in files { reports.append(try await repository.importFile(at: file, for: ["alice"])) }
            #expect(reports.allSatisfy { $0.new > 0 && $0.updated == 0 && $0.unchanged == 0 })
            // Again: unchanged, and nothing new in the feed.
            let before = try await repository.changes(for: alice, since: 0, limit: 1000, maxBytes: 1 << 24)
            let again = try await repository.importFile(at: files[0], for: ["alice"])
            #expect(again.new == 0 && again.unchanged == reports[0].new)
            let after = try await repository.changes(for: alice, since: 0, limit: 1000, maxBytes: 1 << 24)
            #expect(after.changes == before.changes)
            // Bob imported nothing and holds nothing.
            let bob = try #require(try await repository.authenticate(token: try await repository.addUser(named: "carol")))
            #expect(try await repository.changes(for: bob, since: 0, limit: 10, maxBytes: 1 << 24).changes.isEmpty)
            await #expect(throws: RepositoryError.self) { try await repository.importFile(at: files[0], for: ["nobody"]) }
            await #expect(throws: RepositoryError.self) { try await repository.importFile(at: files[0], for: []) }
            feeds.append(Self.shape(after))
        }
        #expect(feeds[0].count > 3)
        #expect(feeds[0] == feeds[1])
        await postgres.close()
    }
}

/// What both engines offer an import test.
protocol Importing: Sendable {
    func authenticate(token: String) async throws -> UserAccount?
    func addUser(named name: String) async throws -> String
    func importFile(at path: String, for users: [String]) async throws -> ImportReport
    func changes(for user: UserAccount, since cursor: Int64, limit: Int, maxBytes: Int) async throws -> ChangePage
}

extension PostgresSyncRepository: Importing {}
extension SQLiteSyncRepository: Importing {}

/// Two instances importing the same file at once, each for another user: both succeed, the
/// articles are stored once, and each user holds them.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresConcurrentImportTests {
    @Test func twoInstancesImportingOneFileAtOnceBothSucceed() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let first = try await PostgresSyncRepository(url: url)
        let second = try await PostgresSyncRepository(url: url)
        let alice = try #require(try await first.authenticate(token: try await first.addUser(named: "alice")))
        let bob = try #require(try await first.authenticate(token: try await first.addUser(named: "bob")))
        let file = PostgresImportTests.samples.appendingPathComponent("harbour-gazette.xml").path
        async let a = first.importFile(at: file, for: ["alice"])
        async let b = second.importFile(at: file, for: ["bob"])
        let reports = try await [a, b]
        #expect(reports.map(\.new).reduce(0, +) == reports.map { $0.new + $0.unchanged }.max())
        let articles = try await PostgresUserTests.strings(first, "SELECT count(*)::text FROM articles")
        #expect(articles == ["\(reports.map { $0.new + $0.unchanged }.max() ?? 0)"])
        let alicePage = try await first.changes(for: alice, since: 0, limit: 1000, maxBytes: 1 << 24)
        let bobPage = try await second.changes(for: bob, since: 0, limit: 1000, maxBytes: 1 << 24)
        #expect(PostgresImportTests.shape(alicePage) == PostgresImportTests.shape(bobPage))
        await first.close()
        await second.close()
    }
}
