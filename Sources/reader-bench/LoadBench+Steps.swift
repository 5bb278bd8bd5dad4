import Foundation
import ReaderCurl
import ReaderHTTP
import ReaderModels
import Synchronization

extension LoadBench {
    /// Every device's first sync, `width` at a time; throws when a library is not whole.
    static func firstSyncs(_ devices: [LoadDevice], expected: Int, width: Int = 16) async throws -> [LoadDevice] {
        try await withThrowingTaskGroup(of: LoadDevice.self) { group in
            var next = 0
            func start(_ device: LoadDevice, in group: inout ThrowingTaskGroup<LoadDevice, any Error>) {
                group.addTask {
                    var device = device
                    let articles = try await device.firstSync()
                    guard articles == expected else {
                        throw BenchError("device \(device.identity.index)'s first sync brought \(articles) articles of the \(expected) imported")
                    }
                    return device
                }
            }
            while next < min(width, devices.count) {
                start(devices[next], in: &group)
                next += 1
            }
            var synced: [LoadDevice] = []
            while let device = try await group.next() {
                synced.append(device)
                if next < devices.count {
                    start(devices[next], in: &group)
                    next += 1
                }
            }
            return synced.sorted { $0.identity.index < $1.identity.index }
        }
    }

    /// A user's whole feed, pulled from the start with the records decoded.
    static func pullEverything(base: URL, token: String, client: CurlHTTPClient) async throws -> LoadLedger.Stored {
        var stored = LoadLedger.Stored()
        var cursor = "0"
        let decoder = JSONDecoder()
        for _ in 0..<10_000 {
            guard var components = URLComponents(url: base.appending(path: "v1/changes"), resolvingAgainstBaseURL: false) else {
                throw BenchError("bad server URL \(base)")
            }
            components.queryItems = [URLQueryItem(name: "since", value: cursor), URLQueryItem(name: "limit", value: "1000")]
            guard let url = components.url else { throw BenchError("bad pull URL") }
            let request = HTTPRequest(url: url, headers: ["Authorization": "Bearer \(token)"], timeouts: LoadDevice.timeouts)
            let response = try await client.send(request, maxBodyBytes: WireLimits.maxChangePageBytes)
            guard response.status == 200 else { throw BenchError("pulling a feed back answered \(response.status)") }
            let page = try decoder.decode(ChangePage.self, from: Data(response.body))
            for change in page.changes { stored.apply(change.change) }
            cursor = page.nextCursor
            if !page.hasMore { return stored }
        }
        throw BenchError("pulling a feed back took more than 10,000 pages")
    }

    /// Runs the loss check on `ledger` with two acknowledgements added that the server never
    /// had: a note never sent, and a state field stamped after everything. It must report
    /// both; a check that cannot fail would make "no lost mutation" mean nothing.
    static func checkTheCheck(_ ledger: LoadLedger, stored: LoadLedger.Stored) throws {
        var planted = ledger
        let before = ledger.losses(in: stored).count
        planted.noteAnswered(NoteRecord(
            id: "canary-never-sent", articleID: "none", anchor: nil, body: "never sent", createdAt: Timestamp.format(millis: 0),
            updatedAt: Timestamp.format(millis: 0), revision: 1, conflicted: false, bodyHLC: HLC(wallMillis: 1, counter: 0, node: "canary"),
            anchorHLC: nil
        ))
        let article = stored.states.keys.sorted().first ?? "canary-article"
        planted.fieldSet(article: article, field: "read", value: .bool(true), hlc: HLC(wallMillis: HLC.maxWallMillis, counter: 0, node: "canary"))
        let after = planted.losses(in: stored).count
        guard after == before + 2 else {
            throw BenchError("the loss check missed mutations planted as acknowledged and never sent (\(after - before) of 2 reported): it cannot be trusted")
        }
    }

    /// `reader-server users add` for each name, four processes at a time (each is a process
    /// start and a database open, which one at a time takes long for hundreds of users);
    /// their tokens, in the order of the names.
    ///
    /// The first is added alone: it creates and migrates the database, and processes that
    /// open a new SQLite file at the same moment race to migrate it ("table library already
    /// exists" was seen).
    static func addUsers(_ names: [String], serverBinary: String, database: [String], errors: String) throws -> [String] {
        guard let first = names.first else { return [] }
        let firstToken = try tool(serverBinary, ["users", "add", first] + database, errors: errors)
        let workers = 4
        let results = Mutex([Result<String, BenchError>?](repeating: nil, count: names.count))
        results.withLock { $0[0] = .success(firstToken) }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: 1 + worker, to: names.count, by: workers) {
                let result: Result<String, BenchError>
                do {
                    result = .success(try tool(serverBinary, ["users", "add", names[index]] + database, errors: errors + ".\(worker)"))
                } catch {
                    result = .failure(error as? BenchError ?? BenchError("\(error)"))
                }
                results.withLock { $0[index] = result }
                if case .failure = result { return }
            }
        }
        let all = results.withLock { $0 }
        for case .failure(let error)? in all { throw error }
        return try all.map { result in
            guard case .success(let token)? = result else { throw BenchError("a user was not added") }
            return token
        }
    }

    /// Runs a `reader-server` admin command; its stdout, trimmed. Its standard error goes to
    /// `errors`, whose last line says why when it fails.
    static func tool(_ binary: String, _ arguments: [String], errors: String) throws -> String {
        let child = try ChildProcess(binary, arguments, captureStdout: true, samplePeak: false, stderrPath: errors)
        let output = child.remainingOutput()
        let status = child.wait().status
        guard status == 0 else {
            throw BenchError("reader-server \(arguments.prefix(2).joined(separator: " ")) exited with \(status): \(lastLine(of: errors))")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The last line of a file, or a note that it is empty.
    static func lastLine(of path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last.map { String($0.prefix(300)) } ?? "(it wrote nothing on standard error)"
    }
}

/// The CPU time (user and system) the process `pid` (nil: this one) has used, in seconds,
/// from `/proc/PID/stat`; nil where it cannot be read.
func cpuSeconds(of pid: pid_t?) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid.map(String.init) ?? "self")/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")")
    else { return nil }
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Runs `body` and returns its result and how long it took.
func measureAsync<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let result = try await body()
    return (result, (ContinuousClock.now - start).seconds)
}

/// `blockingWait` for work with a result.
func blockingValue<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    try blockingWait { box.value.set(try await body()) }
    guard let value = box.value.get() else { throw BenchError("the work ended without a result") }
    return value
}

/// Carries a result out of a task (a Mutex cannot be copied into a closure).
final class ResultBox<T: Sendable>: Sendable {
    let value = Mutex<T?>(nil)
}
