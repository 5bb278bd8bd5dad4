import Foundation

/// The PostgreSQL database `reader-bench load` measures on: the one `--postgres URL` names,
/// or a throwaway cluster started with the repository's `.ci/postgres`, stopped at the end.
///
/// The cluster is started with `--owner` this process, so its watcher stops it and removes
/// its folder however the benchmark ends (a crash or SIGKILL included); `stop()` does it at
/// once on the normal path.
final class LoadPostgres {
    let url: String
    private let script: String?
    private let folder: String?
    private var stopped = false

    /// A database someone else runs.
    init(given url: String) {
        self.url = url
        script = nil
        folder = nil
    }

    /// Starts a throwaway cluster; throws with one line saying how to get one otherwise.
    init(startingIn workdir: String) throws {
        guard let script = Self.findScript() else {
            throw BenchError("no .ci/postgres beside this build or in the current folder: run from the repository, or pass --postgres postgres://USER@HOST:PORT/DB")
        }
        let errors = workdir + "/postgres-start.err"
        let child = try ChildProcess(script, ["start", "--owner", String(getpid()), "--no-install"], captureStdout: true, samplePeak: false, stderrPath: errors)
        let output = child.remainingOutput()
        let status = child.wait().status
        let lines = output.split(separator: "\n")
        let folder = lines.first { $0.hasPrefix("PGDIR=") }.map { String($0.dropFirst(6)) }
        let url = lines.first { $0.hasPrefix("READER_TEST_POSTGRES_URL=") }.map { String($0.dropFirst(25)) }
        guard status == 0, let folder, let url else {
            let reason = (try? String(contentsOfFile: errors, encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? "exit status \(status)"
            throw BenchError("\(script) start failed: \(reason); pass --postgres URL to use a running PostgreSQL")
        }
        self.script = script
        self.folder = folder
        self.url = url
    }

    /// Stops the cluster this benchmark started (nothing for a given database).
    func stop() {
        guard let script, let folder, !stopped else { return }
        stopped = true
        _ = try? ChildProcess.run(script, ["stop", folder])
    }

    deinit {
        stop()
    }

    /// `.ci/postgres` of the repository this build belongs to (the build folder is inside
    /// it), else of the current folder.
    private static func findScript() -> String? {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates: [String] = []
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent(".ci/postgres").path)
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.ci/postgres")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
