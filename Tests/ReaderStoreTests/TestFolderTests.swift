import Foundation
import LoopbackHTTP
import Testing

/// The store tests' files stay in this process's test folder, which goes when the process does.
@Suite struct TestFolderTests {
    @Test func aTestStoreLivesInsideTheProcesssTestFolder() throws {
        let test = try TestStore()
        #expect(test.store.path.hasPrefix(TestFolder.root.path + "/"))
        #expect(TestFolder.root.lastPathComponent == "reader-tests-\(getpid())")
    }
}
