import Foundation
import LoopbackHTTP
import Testing

/// `reader-server … --database postgres://…`, run as a person would: the user commands work
/// on PostgreSQL, and every subcommand that does not yet refuses in one line.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresCommandLineTests {
    @Test func theUserCommandsWorkOnPostgres() async throws {
        let url = "\(try await PostgresTestCluster.freshDatabase().description)"
        let added = try await Self.run(["users", "add", "alice", "--database", url])
        #expect(added.status == 0 && added.out.count == 65 && added.err.isEmpty)
        let again = try await Self.run(["users", "add", "alice", "--database", url])
        #expect(again.status == 1 && again.err == "reader-server: a user named alice already exists\n")
        let listed = try await Self.run(["users", "list", "--database", url])
        #expect(listed.status == 0 && listed.out.hasPrefix("alice\t20"))
        #expect(try await Self.run(["users", "rm", "alice", "--database", url]).status == 0)
        #expect(try await Self.run(["users", "list", "--database", url]).out.isEmpty)
    }

    @Test func whatDoesNotRunOnPostgresYetRefusesInOneLine() async throws {
        let url = "postgres://reader@127.0.0.1:1/none"
        for arguments in [
            ["serve", "--port", "0"], ["users", "password", "alice"], ["articles", "import", "--user", "alice", "a.xml"],
            ["feeds", "list"], ["feeds", "refresh"],
        ] {
            let result = try await Self.run(arguments + ["--database", url])
            let command = arguments.prefix(2).filter { !$0.hasPrefix("-") }.joined(separator: " ")
            #expect(result.status == 2, "\(arguments)")
            #expect(result.err == "reader-server: `reader-server \(command)` does not run on PostgreSQL yet (docs/POSTGRES.md says what does); use --db PATH for SQLite\n")
        }
        let both = try await Self.run(["users", "list", "--db", "x.sqlite", "--database", url])
        #expect(both.status == 2 && both.err.contains("give one"))
        let unreachable = try await Self.run(["users", "list", "--database", url])
        #expect(unreachable.status == 1)
        #expect(unreachable.err == "reader-server: cannot open the server database postgres://reader@127.0.0.1:1/none: cannot reach PostgreSQL at 127.0.0.1:1 (connection refused)\n")
    }

    /// Runs the built reader-server in a folder of its own, its wait on a thread of its own.
    static func run(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = (0..<4).map { level in
            (0..<level).reduce(binary) { folder, _ in folder.deletingLastPathComponent() }.appendingPathComponent("reader-server")
        }
        let executable = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
        let folder = try TestFolder.make("pg-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await ChildProcess.run(executable, arguments, directory: folder)
        return (result.status, result.stdout, result.stderr)
    }
}
