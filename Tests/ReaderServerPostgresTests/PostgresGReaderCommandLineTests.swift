import Foundation
import Hummingbird
import HummingbirdTesting
import LoopbackHTTP
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// `reader-server users password NAME --database postgres://…`, run as a person would: the
/// password read from standard input, stored as a scrypt hash, and good for ClientLogin
/// through the router on the same database.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresGReaderCommandLineTests {
    static func run(_ arguments: [String], input: String) async throws -> ChildProcess.Result {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = (0..<4).map { level in
            (0..<level).reduce(binary) { folder, _ in folder.deletingLastPathComponent() }.appendingPathComponent("reader-server")
        }
        let executable = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
        return try await ChildProcess.run(executable, arguments, input: input)
    }

    @Test func usersPasswordSetsTheAPIPasswordOnPostgres() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let added = try await Self.run(["users", "add", "ada", "--database", url.description], input: "")
        #expect(added.status == 0, "\(added)")
        let arguments = ["users", "password", "ada", "--database", url.description]
        let empty = try await Self.run(arguments, input: "\n")
        #expect(empty.status == 1 && empty.stderr == "reader-server: no password on standard input (an empty one is refused)\n", "\(empty)")
        let set = try await Self.run(arguments, input: "tide & salt\n")
        #expect(set.status == 0 && set.output.isEmpty, "\(set)")
        let nobody = try await Self.run(["users", "password", "nobody", "--database", url.description], input: "x\n")
        #expect(nobody.status == 1 && nobody.stderr == "reader-server: no user named nobody (see `reader-server users list`)\n", "\(nobody)")

        let repository = try await PostgresSyncRepository(url: url)
        let stored = try #require(try await repository.apiPassword(ofUser: "ada")).1
        #expect(stored.hasPrefix("scrypt$") && !stored.contains("tide"))
        let app = buildApplication(repository: repository, accessLog: AccessLogSink(write: { _ in }), metrics: nil)
        try await app.test(.router) { client async throws in
            var reader = GReaderEngineClient(client)
            #expect(try await reader.login("ada", "tide & salt").status == .ok)
            #expect(try await reader.get("user-info?output=json").status == .ok)
            #expect(try await reader.login("ada", "tide").status == .unauthorized)
        }
        await repository.close()
    }
}
