import Foundation
import LoopbackHTTP
import Testing

/// `reader-server … --database postgres://…`, run as a person would: the user commands work
/// on PostgreSQL, and a database that cannot be reached is one line whatever the subcommand
/// (`PostgresServeCommandTests` runs `serve`, the feed commands and `articles import`).
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

    /// `users password` is left out: it reads standard input first (its own suite tests it).
    @Test func anUnreachableDatabaseIsOneLineForEverySubcommand() async throws {
        let url = "postgres://reader@127.0.0.1:1/none"
        for arguments in [
            ["serve", "--port", "0"], ["users", "list"], ["articles", "import", "--user", "alice", "a.xml"],
            ["feeds", "add", "alice", "https://example.org/feed.xml"], ["feeds", "list"], ["feeds", "refresh"],
            ["feeds", "rm", "alice", "https://example.org/feed.xml"],
        ] {
            let result = try await Self.run(arguments + ["--database", url])
            #expect(result.status == 1, "\(arguments)")
            #expect(result.err == "reader-server: cannot open the server database postgres://reader@127.0.0.1:1/none: cannot reach PostgreSQL at 127.0.0.1:1 (connection refused)\n", "\(arguments)")
        }
        let both = try await Self.run(["users", "list", "--db", "x.sqlite", "--database", url])
        #expect(both.status == 2 && both.err.contains("give one"))
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
