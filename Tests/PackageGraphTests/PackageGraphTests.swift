import Foundation
import LoopbackHTTP
import Testing

/// The package's own graph, read the way SwiftPM reads it: `swift package dump-package`
/// evaluates Package.swift and prints every target with its dependencies.
///
/// The manifest is evaluated with a scratch path of its own, so this never waits on the
/// lock of the `.build` a running `swift build` or `swift test` holds; and the process is
/// given a deadline, so a stuck one fails the test instead of hanging the suite.
@Suite struct PackageGraphTests {
    /// The libraries an app on a platform without libcurl (iOS) builds: none may reach CCurl.
    static let transportNeutral = ["ReaderModels", "ReaderFeeds", "ReaderStore", "ReaderHTTP", "ReaderFetch", "ReaderSync"]

    @Test func theClientLibrariesReachNoCurl() throws {
        let graph = try PackageGraph.load()
        for target in Self.transportNeutral {
            let reached = try graph.dependencies(of: target)
            #expect(!reached.contains("CCurl"), "\(target) reaches CCurl through \(graph.path(from: target, to: "CCurl"))")
        }
    }

    /// The check above can fail: the graph it reads does hold CCurl, under the curl client.
    @Test func theCurlClientIsWhereCurlIs() throws {
        let graph = try PackageGraph.load()
        #expect(try graph.dependencies(of: "ReaderCurl").contains("CCurl"))
        #expect(try graph.dependencies(of: "reader").contains("CCurl"), "the CLI fetches over libcurl")
        #expect(try graph.dependencies(of: "ReaderServer").contains("CCurl"), "the server fetches over libcurl")
        let importers = graph.targets.filter { $0.value.contains("CCurl") }.keys.sorted()
        #expect(importers == ["ReaderCurl"], "a C library is wrapped once")
    }
}

/// Each target of this package and the targets it names directly (products of other
/// packages are left out: none of them is CCurl).
struct PackageGraph {
    var targets: [String: [String]]

    /// Every target `name` depends on, directly or not.
    func dependencies(of name: String) throws -> Set<String> {
        guard targets[name] != nil else { throw GraphError("no target named \(name) in Package.swift") }
        var seen: Set<String> = []
        var pending = targets[name] ?? []
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            pending += targets[next] ?? []
        }
        return seen
    }

    /// One chain of dependencies from `start` to `end`, for the failure message.
    func path(from start: String, to end: String) -> String {
        var previous: [String: String] = [:]
        var queue = [start]
        while !queue.isEmpty {
            let current = queue.removeFirst()
            if current == end {
                var chain = [end]
                while let step = previous[chain[0]] { chain.insert(step, at: 0) }
                return chain.joined(separator: " → ")
            }
            for next in targets[current] ?? [] where previous[next] == nil && next != start {
                previous[next] = current
                queue.append(next)
            }
        }
        return "nothing"
    }

    /// The graph of the package this file belongs to.
    static func load(deadline: Duration = .seconds(120)) throws -> PackageGraph {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("package-graph-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = try run(
            ["swift", "package", "--package-path", root.path, "--scratch-path", scratch.path, "dump-package"],
            deadline: deadline
        )
        return try parse(output)
    }

    /// The targets and their target and by-name dependencies in `dump-package`'s JSON.
    static func parse(_ json: Data) throws -> PackageGraph {
        guard let package = try JSONSerialization.jsonObject(with: json) as? [String: Any],
              let targets = package["targets"] as? [[String: Any]]
        else { throw GraphError("dump-package printed no targets") }
        var graph: [String: [String]] = [:]
        for target in targets {
            guard let name = target["name"] as? String else { throw GraphError("a target without a name") }
            var names: [String] = []
            for dependency in target["dependencies"] as? [[String: Any]] ?? [] {
                // {"byName": ["X", null]} or {"target": ["X", null]}; {"product": [...]} is another package's.
                for key in ["byName", "target"] {
                    if let entry = dependency[key] as? [Any], let named = entry.first as? String { names.append(named) }
                }
            }
            graph[name] = names
        }
        return PackageGraph(targets: graph)
    }

    /// Runs `arguments` (found on PATH) and returns what it printed; stops it past `deadline`.
    static func run(_ arguments: [String], deadline: Duration) throws -> Data {
        let result = try ChildProcess.runBlocking(URL(fileURLWithPath: "/usr/bin/env"), arguments, timeout: deadline)
        guard result.status == 0 else {
            throw GraphError("`\(arguments.joined(separator: " "))` failed (\(result.termination)): \(result.stderr.suffix(2000))")
        }
        return result.stdoutData
    }
}

struct GraphError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
