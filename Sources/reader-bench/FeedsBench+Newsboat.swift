import Foundation

/// newsboat, the peer issue 16 set the first refresh's goal by, refreshing the same feeds
/// from the same loopback server in the same run: `newsboat -x reload` with its default
/// settings (one feed fetched at a time), into a cache of its own. It builds no search
/// index, so the goal is a first refresh at most half as long as newsboat's.
struct NewsboatPeer {
    let binary: String
    let folder: String

    /// What one `newsboat -x reload` took.
    struct Run {
        var seconds: Double
        var peakBytes: Int
    }

    /// newsboat from `PATH` (`.ci/setup` installs Debian's), or nil when it is not installed.
    static func installed(workdir: String) throws -> NewsboatPeer? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let binary = directories.map({ "\($0)/newsboat" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            return nil
        }
        let folder = workdir + "/newsboat"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return NewsboatPeer(binary: binary, folder: folder)
    }

    /// Subscribes newsboat to `urls`, with an empty configuration (its defaults).
    func subscribe(_ urls: [String]) throws {
        try Data((urls.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/urls"))
        try Data().write(to: URL(fileURLWithPath: folder + "/config"))
    }

    /// One `newsboat -x reload`, timed from launch to exit, its peak RSS sampled.
    func reload() throws -> Run {
        // `env` sets newsboat's environment and execs it, so the sampled process is newsboat.
        let arguments = [
            "HOME=\(folder)", "XDG_CONFIG_HOME=\(folder)/xdg-config", "XDG_DATA_HOME=\(folder)/xdg-data", "LC_ALL=C.UTF-8",
            binary, "-C", folder + "/config", "-u", folder + "/urls", "-c", cachePath, "-x", "reload",
        ]
        let started = ContinuousClock.now
        let child = try ChildProcess("/usr/bin/env", arguments, stderrPath: folder + "/stderr")
        let (status, peak) = child.wait()
        let seconds = (ContinuousClock.now - started).seconds
        guard status == 0 else {
            let said = (try? String(contentsOfFile: folder + "/stderr", encoding: .utf8)) ?? ""
            throw BenchError("newsboat -x reload exited with \(status): \(said.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return Run(seconds: seconds, peakBytes: peak)
    }

    var cachePath: String { folder + "/cache.db" }

    /// Removes newsboat's cache, so that the next reload is a first one.
    func forgetCache() throws {
        for path in [cachePath, cachePath + "-journal", cachePath + ".lock"] where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
    }

    /// The items newsboat stored.
    func storedItems() throws -> Int {
        try RawDatabase(path: cachePath, readOnly: true).prepare("SELECT 1 FROM rss_item").run()
    }
}
