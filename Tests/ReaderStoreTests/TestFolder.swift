import Foundation

/// Folders for the files tests make, all inside one folder per test process that is removed
/// when the process exits: no test leaves anything in the temporary directory, whether it
/// passes, fails, or forgets to clean up, and no folder disappears while a test still uses it.
/// A folder left by a test process that crashed is removed by the next run.
/// `READER_KEEP_TEST_FILES=1` keeps them, to look at what a failing test wrote.
enum TestFolder {
    /// The folder of this process, `$TMPDIR/reader-tests-PID`.
    static let root: URL = {
        let temporary = FileManager.default.temporaryDirectory
        sweepCrashedRuns(in: temporary)
        let root = temporary.appendingPathComponent("\(prefix)\(getpid())")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit {
            guard ProcessInfo.processInfo.environment["READER_KEEP_TEST_FILES"] != "1" else { return }
            try? FileManager.default.removeItem(at: TestFolder.root)
        }
        return root
    }()

    private static let prefix = "reader-tests-"

    /// A new, empty folder named `name-UUID` inside ``root``.
    static func make(_ name: String) throws -> URL {
        let folder = url(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A fresh path `name-UUID` inside ``root``, with nothing made there yet.
    static func url(_ name: String) -> URL {
        root.appendingPathComponent("\(name)-\(UUID().uuidString)")
    }

    /// Removes the folders in `temporary` of test processes that no longer run (a crash
    /// skips `atexit`).
    static func sweepCrashedRuns(in temporary: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard ProcessInfo.processInfo.environment["READER_KEEP_TEST_FILES"] != "1",
                  let pid = pid_t(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
            }
        }
    }
}
