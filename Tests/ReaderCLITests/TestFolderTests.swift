import Foundation
import LoopbackHTTP
import Testing

/// What tests write stays in this process's test folder, which goes when the process does;
/// a crashed run's folder goes with the next run.
@Suite struct TestFolderTests {
    @Test func theCLIHelperWritesInsideTheProcesssTestFolder() throws {
        let cli = try CLI()
        #expect(cli.folder.path.hasPrefix(TestFolder.root.path + "/"))
        #expect(TestFolder.root.deletingLastPathComponent().standardizedFileURL == FileManager.default.temporaryDirectory.standardizedFileURL)
        #expect(TestFolder.root.lastPathComponent == "reader-tests-\(getpid())")
    }

    @Test func theFolderOfARunThatCrashedIsRemovedAndALiveOneKept() throws {
        let scratch = try TestFolder.make("sweep")
        // A process that has exited: its pid names no running process (until reused, which
        // the sweep could not tell apart either, and which only keeps a folder).
        let finished = try ChildProcess(URL(fileURLWithPath: "/bin/true"))
        finished.wait()
        let crashed = scratch.appendingPathComponent("reader-tests-\(finished.pid)")
        let live = scratch.appendingPathComponent("reader-tests-\(getpid())")
        let other = scratch.appendingPathComponent("reader-tests-notapid")
        for folder in [crashed, live, other] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("store-1"), withIntermediateDirectories: true)
        }
        TestFolder.sweepCrashedRuns(in: scratch)
        #expect(!FileManager.default.fileExists(atPath: crashed.path), "the crashed run's folder is left")
        #expect(FileManager.default.fileExists(atPath: live.path), "this run's folder was removed")
        #expect(FileManager.default.fileExists(atPath: other.path), "a folder not named by a pid was removed")
    }
}
