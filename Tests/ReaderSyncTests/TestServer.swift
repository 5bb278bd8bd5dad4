import Foundation
import GRDB
import LoopbackHTTP
import PostgresSupport
import ReaderCurl
import ReaderHTTP
import ReaderStore
import ReaderSync
import Testing

/// A real `reader-server` process on a loopback port, with its own database, stopped
/// when the value goes away.
final class TestServer: Sendable {
    let folder: URL
    /// The database: a SQLite file's path, or on PostgreSQL a `postgres://` URL.
    let db: String
    /// `--db PATH` or `--database URL`: the options that point a `reader-server` command at
    /// this server's database.
    var databaseArguments: [String] { Self.databaseArguments(db) }

    static func databaseArguments(_ db: String) -> [String] {
        db.hasPrefix("postgres://") ? ["--database", db] : ["--db", db]
    }
    let url: URL
    /// The files every user added with ``addUser(_:)`` has imported into their library.
    let imports: [String]
    private let process: ChildProcess

    /// The package's root folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The sample files the project ships.
    static let samples = ["harbour-gazette.xml", "field-notes.atom", "night-sky.json", "morning-digest.txt"]
        .map { root.appendingPathComponent("Sources/reader/Samples/\($0)").path }

    /// Starts a server whose users each get `imports` (the samples by default) in their
    /// library, or a second server process on the database of `sharing`, or on `database`
    /// (a `postgres://` URL) whatever the pass's engine. The tests' feeds
    /// are on loopback, so the server may fetch from private addresses unless
    /// `allowPrivateNetworks` is false.
    init(
        imports: [String] = TestServer.samples, extraArguments: [String] = [], sharing: TestServer? = nil,
        database: String? = nil, allowPrivateNetworks: Bool = true
    ) async throws {
        folder = try TestFolder.make("sync")
        if let sharing {
            db = sharing.db
        } else if let database {
            db = database
        } else if ServerEngine.current == .postgres {
            db = try await PostgresTestCluster.freshDatabase().description
        } else {
            db = folder.appendingPathComponent("server.sqlite").path
        }
        self.imports = sharing?.imports ?? imports
        let process = try ChildProcess(
            Self.binary("reader-server"),
            ["serve"] + Self.databaseArguments(db) + ["--port", "0"] + extraArguments + (allowPrivateNetworks ? ["--allow-private-networks"] : []),
            stdout: .pipe
        )
        self.process = process
        // The first line of stdout is the base URL.
        let line = try await onOwnThread { process.readLine() ?? "" }
        guard let url = URL(string: line) else {
            throw TestFailure("reader-server did not print its URL")
        }
        self.url = url
    }

    /// Kills the server process with SIGKILL, as a crash or the OOM killer would, and waits
    /// for it; how it ended.
    @discardableResult
    func kill() async -> ChildProcess.Termination {
        process.signal(SIGKILL)
        return await process.waitForExit()
    }

    deinit {
        process.signal(SIGTERM)
        process.wait()
        try? FileManager.default.removeItem(at: folder)
    }

    /// A server with the samples, a user, and two of its devices that have pulled everything.
    static func withTwoDevices(_ first: String, _ second: String) async throws -> (server: TestServer, token: String, Device, Device) {
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        let a = try Device(first, server: server, token: token)
        let b = try Device(second, server: server, token: token)
        try await a.sync()
        try await b.sync()
        return (server, token, a, b)
    }

    /// Adds a user, imports the server's `imports` into their library, and returns their token.
    func addUser(_ name: String) async throws -> String {
        let output = try await Self.run(Self.binary("reader-server"), ["users", "add", name] + databaseArguments)
        if !imports.isEmpty {
            try await importFiles(imports, for: [name])
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Imports `files` into the libraries of `users`, with `reader-server articles import`
    /// beside the running server.
    func importFiles(_ files: [String], for users: [String]) async throws {
        try await Self.run(Self.binary("reader-server"), ["articles", "import"] + databaseArguments + users.flatMap { ["--user", $0] } + files)
    }

    /// The ids of every mutation the server has applied, read from its database (on either
    /// engine): what a test checks that nothing acknowledged was lost against.
    func appliedMutationIDs() async throws -> Set<String> {
        Set(try await stored("SELECT mutation_id FROM applied_mutations"))
    }

    /// The first column of the rows `sql` selects in the server's database, as text (a blob's
    /// bytes as UTF-8, NULL as ""), on either engine; `postgres` when PostgreSQL needs other SQL.
    func stored(_ sql: String, postgres: String? = nil) async throws -> [String] {
        try await Self.stored(in: db, sql, postgres: postgres)
    }

    /// ``stored(_:postgres:)`` in the database `db` (a path or a `postgres://` URL).
    static func stored(in db: String, _ sql: String, postgres: String? = nil) async throws -> [String] {
        if db.hasPrefix("postgres://") {
            // PostgreSQL prints a bytea as \x and hex: the values come tagged, bytes decoded here.
            let tagged = try await PostgresTestCluster.texts("""
                SELECT CASE WHEN pg_typeof(q.v) = 'bytea'::regtype THEN 'x' || q.v::text ELSE 't' || coalesce(q.v::text, '') END
                FROM (\(postgres ?? sql)) AS q(v)
                """, in: db)
            return tagged.map { value in
                guard value.hasPrefix("x") else { return String(value.dropFirst()) }
                var bytes: [UInt8] = []
                var digits = value.dropFirst(3).makeIterator() // after "x" and "\x"
                while let high = digits.next(), let low = digits.next(), let byte = UInt8(String([high, low]), radix: 16) { bytes.append(byte) }
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: db, configuration: configuration)
        return try await queue.read { db in
            try Row.fetchAll(db, sql: sql).map { row in
                switch (row[0] as DatabaseValue).storage {
                case .null: ""
                case .int64(let value): String(value)
                case .double(let value): String(value)
                case .string(let text): text
                case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
                }
            }
        }
    }

    /// A built binary of the package, beside the test bundle.
    static func binary(_ name: String) -> URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Runs a binary to completion and returns its stdout; a non-zero exit throws. The wait
    /// is on a thread of its own (see ``onOwnThread(_:)``).
    @discardableResult
    static func run(_ binary: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        try await onOwnThread { try runBlocking(binary, arguments, environment: environment) }
    }

    private static func runBlocking(_ binary: URL, _ arguments: [String], environment: [String: String]) throws -> String {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let result = try ChildProcess.runBlocking(binary, arguments, environment: env)
        guard result.status == 0 else {
            throw TestFailure("\(binary.lastPathComponent) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One device: its own database and a sync engine over libcurl.
struct Device {
    let name: String
    /// The device's database file.
    let path: String
    let store: ReaderStore
    let engine: SyncEngine
    /// The server the device was made for: kept running as long as the device is used
    /// (its database folder holds the device's file too).
    let server: TestServer

    init(_ name: String, server: TestServer, token: String, folder: URL? = nil, environment: StoreEnvironment = .live,
         url: URL? = nil, retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))) throws {
        self.name = name
        self.server = server
        let folder = folder ?? server.folder
        path = folder.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).sqlite").path
        store = try ReaderStore(path: path, environment: environment)
        let client = try CurlHTTPClient()
        engine = SyncEngine(store: store, client: client, configuration: SyncConfiguration(
            serverURL: url ?? server.url, token: token, pushBatchSize: 50, pageSize: 20, retry: retry
        ))
    }

    /// The same device (same database) talking to another server address.
    init(reopening device: Device, url: URL, token: String) throws {
        name = device.name
        path = device.path
        server = device.server
        store = device.store
        engine = SyncEngine(store: store, client: try CurlHTTPClient(), configuration: SyncConfiguration(
            serverURL: url, token: token, pushBatchSize: 50, pageSize: 20,
            retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
        ))
    }

    @discardableResult
    func sync() async throws -> SyncReport { try await engine.sync() }

    /// The ids of every article the device holds, read from its database file.
    func articleIDs() throws -> Set<String> {
        let queue = try DatabaseQueue(path: path)
        return Set(try queue.read { try String.fetchAll($0, sql: "SELECT id FROM articles") })
    }

    func export() throws -> String {
        String(decoding: try store.exportUserState().canonicalJSON(), as: UTF8.self)
    }
}

/// SplitMix64: a small seeded generator, so a failing run can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The seed for a randomized test: $READER_SYNC_SEED when set, else a fresh one.
func testSeed() -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["READER_SYNC_SEED"], let seed = UInt64(text) { return seed }
    return UInt64.random(in: 1...UInt64(UInt32.max))
}

/// How many operations a randomized test makes: $READER_SYNC_OPS for long runs.
func operationCount(default value: Int) -> Int {
    ProcessInfo.processInfo.environment["READER_SYNC_OPS"].flatMap(Int.init) ?? value
}
