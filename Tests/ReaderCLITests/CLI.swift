import Foundation
import LoopbackHTTP
import Testing

/// Runs the built `reader` binary, the way a person or a script does.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutData: Data
    }

    let folder: URL
    let db: String

    init() throws {
        folder = try TestFolder.make("cli")
        db = folder.appendingPathComponent("reader.sqlite").path
    }

    /// The package's root folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A sample file the project ships.
    static func sample(_ name: String) -> String {
        root.appendingPathComponent("Sources/reader/Samples/\(name)").path
    }

    static let samples = ["harbour-gazette.xml", "field-notes.atom", "night-sky.json", "morning-digest.txt"].map(sample)

    /// The `reader` binary beside the test bundle in the build folder.
    static let binary: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("reader")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("reader")
    }()

    /// Runs `reader ARGS --db DB` (the database option goes after the subcommand path).
    @discardableResult
    func run(_ arguments: [String], db: String? = nil, environment: [String: String] = [:]) async throws -> Result {
        try await Self.exec(arguments + ["--db", db ?? self.db], environment: environment)
    }

    /// Runs `reader ARGS`, waiting for it on a thread of its own (see ``onOwnThread(_:)``).
    static func exec(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await onOwnThread { try execBlocking(arguments, environment: environment) }
    }

    private static func execBlocking(_ arguments: [String], environment: [String: String]) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "READER_DB")
        for (key, value) in environment { env[key] = value }
        // Output goes to files, so a large output can never fill a pipe and stall the child.
        let result = try ChildProcess.runBlocking(binary, arguments, environment: env)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr, stdoutData: result.stdoutData)
    }

    func file(_ name: String, _ contents: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func json(_ arguments: [String]) async throws -> [String: Any] {
        let result = try await run(arguments + ["--json"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any] ?? [:]
    }
}
