import Foundation
import ReaderCurl
import ReaderHTTP
import ReaderModels
import Synchronization

/// `reader-bench load`: N simulated devices (200 by default) against real `reader-server`
/// processes for a fixed time, on SQLite, on PostgreSQL with one instance and with two
/// instances on one database (devices spread across both), side by side in one run
/// (issue 15 §5).
///
/// Each engine gets the same set-up: one user per two devices (`users add`), each with the
/// same generated feed in their library (`articles import`), then one `serve` process per
/// instance. Every device first syncs its library (untimed), then for the measured time
/// syncs again and again after a random pause, some syncs pushing a few edits first
/// (`LoadDevice`). The figures: requests answered per second, p50 and p99 latency of each
/// kind of request (pull, push, no-op sync), errors, and each server's peak RSS. At the end
/// every user's feed is pulled back from the start and every acknowledged mutation is
/// looked for in it (`LoadLedger`); a lost mutation makes the benchmark fail.
enum LoadBench {
    static let command = "load"
    static let noopGoalSeconds = 0.100

    static let usage = """
        usage: reader-bench load [--devices N] [--seconds S] [--pause-ms M] [--edit-share F] [--articles A]
                                 [--engines sqlite,postgres,postgres-2] [--postgres URL] [--seed S]
                                 [--workdir DIR] [--server-binary PATH]

          --devices N      simulated devices (default 200), two per user
          --seconds S      how long the load runs on each engine (default 30)
          --pause-ms M     a device's mean pause between syncs, drawn from 0.5 M to 1.5 M (default 1000);
                           0 for devices that sync back to back (the server's saturation)
          --edit-share F   the share of syncs that push edits first (default 0.3)
          --articles A     articles in every user's library (default 50)
          --engines LIST   which to run, in order (default sqlite,postgres,postgres-2); postgres-2 is
                           two reader-server instances on one database
          --postgres URL   a PostgreSQL database to use (postgres://USER@HOST:PORT/DB); without it a
                           throwaway cluster is started with the repository's .ci/postgres and stopped
                           at the end. Each run adds its own users (load-TIME-ENGINE-uN) to it
          --workdir DIR    where the feed, the SQLite database and the servers' logs go (default a
                           temporary folder, removed at the end; the database is removed either way)
        """

    /// Which server set-up a run measures.
    enum Engine: String, CaseIterable, Sendable {
        case sqlite
        case postgres
        case postgresTwo = "postgres-2"

        var instances: Int { self == .postgresTwo ? 2 : 1 }
        var isPostgres: Bool { self != .sqlite }
        var title: String {
            switch self {
            case .sqlite: "SQLite"
            case .postgres: "PostgreSQL"
            case .postgresTwo: "PostgreSQL x2"
            }
        }
    }

    struct Options: Sendable {
        var devices = 200
        var seconds = 30
        var pauseMillis = 1000
        var editShare = 0.3
        var devicesPerUser = 2
        var articles = 50
        var engines = Engine.allCases
        var postgres: String?
        var seed: UInt64 = 42
        var workdir: String?
        var serverBinary: String?

        init(_ arguments: [String]) throws {
            var rest = arguments[...]
            while let option = rest.popFirst() {
                guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value\n\n\(LoadBench.usage)") }
                switch option {
                case "--devices": devices = try Self.count(option, value, in: 1...10_000)
                case "--seconds": seconds = try Self.count(option, value, in: 1...3_600)
                case "--pause-ms": pauseMillis = try Self.count(option, value, in: 0...600_000)
                case "--articles": articles = try Self.count(option, value, in: 1...10_000)
                case "--edit-share":
                    guard let share = Double(value), (0...1).contains(share) else { throw BenchError("--edit-share takes a number from 0 to 1, not \(value)") }
                    editShare = share
                case "--engines":
                    let names = value.split(separator: ",").map(String.init)
                    let engines = names.compactMap(Engine.init(rawValue:))
                    guard !engines.isEmpty, engines.count == names.count else {
                        throw BenchError("--engines takes sqlite, postgres and postgres-2 separated by commas, not \(value)")
                    }
                    self.engines = engines
                case "--postgres": postgres = value
                case "--seed":
                    guard let seed = UInt64(value) else { throw BenchError("--seed takes a whole number, not \(value)") }
                    self.seed = seed
                case "--workdir": workdir = value
                case "--server-binary": serverBinary = value
                default: throw BenchError("unknown argument \(option)\n\n\(LoadBench.usage)")
                }
            }
        }

        private static func count(_ option: String, _ value: String, in range: ClosedRange<Int>) throws -> Int {
            guard let number = Int(value.replacingOccurrences(of: "_", with: "")), range.contains(number) else {
                throw BenchError("\(option) takes a whole number from \(range.lowerBound) to \(range.upperBound), not \(value)")
            }
            return number
        }

        var users: Int { (devices + devicesPerUser - 1) / devicesPerUser }
    }

    /// What one engine's run measured.
    struct Figures: Sendable {
        var seconds: Double
        /// Sorted, in seconds.
        var latencies: [LoadDevice.Kind: [Double]]
        var errors: [String: Int]
        var acknowledged: Int
        var unacknowledged: Int
        var lost: [String]
        var peaks: [Int] = []
        /// CPU seconds used during the measured time by this process (the devices) and by
        /// each server instance (not PostgreSQL's own processes).
        var deviceCPU: Double = 0
        var serverCPU: [Double] = []
        /// From the start of the measured time to the last device's end (its last pause included).
        var cpuWindow: Double = 1

        var answered: Int { latencies.values.map(\.count).reduce(0, +) }
        var errorCount: Int { errors.values.reduce(0, +) + unacknowledged }
    }

    static func run(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            Report.emit(usage)
            return
        }
        let options = try Options(arguments)
        let serverBinary = try options.serverBinary ?? ChildProcess.sibling("reader-server")
        let workdir = try Workdir(options.workdir)
        defer { workdir.cleanUp() }
        #if DEBUG
        Report.note("warning: a debug build; figures mean something only from `swift build -c release`")
        #endif
        Report.note("reader-bench load  \(options.devices) devices (\(options.users) users, \(options.devicesPerUser) devices each)  "
            + "\(options.seconds) s per engine  pause \(options.pauseMillis) ms ±50%  edits in \(Int(options.editShare * 100))% of syncs  "
            + "\(options.articles) articles a library  seed \(options.seed)")
        Report.note("\(ProcessInfo.processInfo.activeProcessorCount) cores  load \(loadAverage())  "
            + "devices and servers share this machine's cores; a device is a cursor, a clock and a few notes over libcurl, not a ReaderStore")

        let feed = workdir.path + "/load-feed.xml"
        _ = try FeedWriter.write(.rss, count: options.articles, generator: ArticleGenerator(seed: options.seed), to: feed)
        var results: [Engine: Figures] = [:]
        var notRun: [Engine: String] = [:]
        var postgres: LoadPostgres?
        var postgresProblem: String?
        defer { postgres?.stop() }
        let sqlite = workdir.path + "/load.sqlite"
        for engine in options.engines {
            var database = ["--db", sqlite]
            // A fresh file for each run, and none left behind in a --workdir.
            removeDatabase(at: sqlite)
            defer { removeDatabase(at: sqlite) }
            if engine.isPostgres {
                if postgres == nil, postgresProblem == nil {
                    do {
                        postgres = try options.postgres.map(LoadPostgres.init(given:)) ?? LoadPostgres(startingIn: workdir.path)
                        Report.note("PostgreSQL: \(postgres?.url ?? "")" + (options.postgres == nil
                            ? ", a throwaway cluster from .ci/postgres: fsync and synchronous_commit off, so its commits do not wait for the disk as SQLite's do (--postgres URL for a durable one)"
                            : ""))
                    } catch {
                        postgresProblem = "\(error)"
                    }
                }
                guard let url = postgres?.url else {
                    notRun[engine] = postgresProblem ?? "no PostgreSQL"
                    Report.note("\(engine.title): not measured: \(notRun[engine] ?? "")")
                    continue
                }
                database = ["--database", url]
            }
            do {
                let figures = try measureEngine(engine, database: database, feed: feed, options: options, serverBinary: serverBinary, workdir: workdir.path)
                results[engine] = figures
                printLines(engine, figures, options: options)
            } catch {
                notRun[engine] = "\(error)"
                Report.note("\(engine.title): not measured: \(error)")
            }
        }
        printTable(options, results: results, notRun: notRun)
        Report.note("load average at the end \(loadAverage()) (figures taken while other work runs are not comparable)")

        let lost = results.values.map(\.lost.count).reduce(0, +)
        if lost > 0 { throw BenchError("\(lost) acknowledged mutations are not in the database") }
        if !notRun.isEmpty { throw BenchError("not measured: \(notRun.keys.map(\.title).sorted().joined(separator: ", "))") }
    }

    // MARK: One engine

    private static func measureEngine(
        _ engine: Engine, database: [String], feed: String, options: Options, serverBinary: String, workdir: String
    ) throws -> Figures {
        let errors = workdir + "/\(engine.rawValue)-setup.err"
        // Named after the engine and the moment, so that runs on one --postgres database meet no one.
        let run = String(Int(Date().timeIntervalSince1970), radix: 36)
        let names = (0..<options.users).map { "load-\(run)-\(engine.rawValue)-u\($0)" }
        let (tokens, setupSeconds) = try measure {
            let tokens = try addUsers(names, serverBinary: serverBinary, database: database, errors: errors)
            _ = try tool(serverBinary, ["articles", "import"] + database + names.flatMap { ["--user", $0] } + [feed], errors: errors)
            return tokens
        }
        Report.note("\(engine.title): \(names.count) users added and \(options.articles) articles imported for each in \(Report.fixed(setupSeconds, 1)) s (untimed set-up)")

        var servers: [ChildProcess] = []
        defer { servers.forEach { _ = $0.stop() } }
        var bases: [URL] = []
        for instance in 0..<engine.instances {
            let log = workdir + "/\(engine.rawValue)-\(instance).log"
            let server = try ChildProcess(serverBinary, ["serve"] + database + ["--port", "0"], captureStdout: true, stderrPath: log)
            servers.append(server)
            let line = server.firstLine()
            guard line.hasPrefix("http"), let url = URL(string: line) else {
                _ = server.stop()
                throw BenchError("reader-server serve did not start: \(lastLine(of: log))")
            }
            bases.append(url)
        }
        Report.note("\(engine.title): \(bases.map(\.absoluteString).joined(separator: " and ")), devices spread across \(bases.count == 1 ? "it" : "them")")

        let urls = bases
        let pids = servers.map(\.pid)
        var figures = try blockingValue { try await drive(options, tokens: tokens, bases: urls, serverPIDs: pids) }
        figures.peaks = servers.map { $0.stop() }
        return figures
    }

    /// Runs the devices against the servers at `bases`, then checks every acknowledged
    /// mutation against what each user's feed holds.
    private static func drive(_ options: Options, tokens: [String], bases: [URL], serverPIDs: [pid_t]) async throws -> Figures {
        let perInstance = (options.devices + bases.count - 1) / bases.count + 8
        let clients = try bases.map { _ in
            try CurlHTTPClient(configuration: HTTPClientConfiguration(proxy: .direct, maxConnectionsPerHost: perInstance, maxIdleConnections: perInstance))
        }
        let devices = (0..<options.devices).map { index in
            LoadDevice(LoadDevice.Identity(
                index: index, base: bases[index % bases.count], token: tokens[index / options.devicesPerUser],
                client: clients[index % bases.count]
            ), seed: options.seed)
        }
        let (synced, firstSeconds) = try await measureAsync { try await firstSyncs(devices, expected: options.articles) }
        Report.note("first sync of every device (untimed): \(Report.fixed(firstSeconds, 1)) s, 16 at a time")

        let cpuBefore = ([nil] + serverPIDs).map { cpuSeconds(of: $0) ?? 0 }
        let start = ContinuousClock.now
        let deadline = start + .seconds(options.seconds)
        let pause = Duration.milliseconds(options.pauseMillis)
        let outcomes = await withTaskGroup(of: (Int, LoadDevice.Outcome).self) { group in
            for device in synced {
                group.addTask {
                    var device = device
                    await device.run(until: deadline, pause: pause, editShare: options.editShare)
                    return (device.identity.index, device.outcome)
                }
            }
            var outcomes = [LoadDevice.Outcome](repeating: LoadDevice.Outcome(), count: synced.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        let cpu = zip(([nil] + serverPIDs).map { cpuSeconds(of: $0) ?? 0 }, cpuBefore).map { $0 - $1 }
        let cpuWindow = (ContinuousClock.now - start).seconds

        var latencies: [LoadDevice.Kind: [Double]] = [:]
        var errors: [String: Int] = [:]
        var unacknowledged = 0
        for outcome in outcomes {
            for (kind, values) in outcome.latencies { latencies[kind, default: []] += values }
            for (error, count) in outcome.errors { errors[error, default: 0] += count }
            unacknowledged += outcome.unacknowledged
        }
        for kind in LoadDevice.Kind.allCases { latencies[kind, default: []].sort() }

        var ledgers = [LoadLedger](repeating: LoadLedger(), count: tokens.count)
        for (index, outcome) in outcomes.enumerated() { ledgers[index / options.devicesPerUser].merge(outcome.ledger) }
        let client = clients[0]
        var lost: [String] = []
        var canaryStored: LoadLedger.Stored?
        for (user, ledger) in ledgers.enumerated() {
            let stored = try await pullEverything(base: bases[0], token: tokens[user], client: client)
            lost += ledger.losses(in: stored).map { "user \(user): \($0)" }
            if canaryStored == nil { canaryStored = stored }
        }
        try checkTheCheck(ledgers[0], stored: canaryStored ?? LoadLedger.Stored())
        return Figures(
            seconds: Double(options.seconds), latencies: latencies, errors: errors,
            acknowledged: ledgers.map(\.acknowledged).reduce(0, +), unacknowledged: unacknowledged, lost: lost,
            deviceCPU: cpu[0], serverCPU: Array(cpu.dropFirst()), cpuWindow: cpuWindow
        )
    }
}
