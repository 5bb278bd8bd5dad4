import Foundation
import LoopbackHTTP
import ReaderStore
import ReaderSync
import Testing

/// `reader login --service freshrss` and `reader sync` against the loopback FreshRSS.
@Suite struct GReaderCLITests {
    /// Runs `reader` with `input` on standard input; returns its exit status and output.
    static func reader(_ arguments: [String], input: String = "", environment: [String: String] = [:]) throws -> (Int32, String) {
        var env = ProcessInfo.processInfo.environment
        env["READER_PASSWORD"] = nil
        for (key, value) in environment { env[key] = value }
        let result = try ChildProcess.runBlocking(TestServer.binary("reader"), arguments, environment: env, input: input)
        return (result.status, result.output)
    }

    @Test func loginTakesThePasswordFromStdinOrTheEnvironmentAndSyncUsesGReader() async throws {
        let service = try GReaderFakeService(.freshRSS)
        // Recent items: `reader sync` applies the retention policy after it.
        GReaderSyncTests.seed(service, count: 4, firstCrawl: Int64(Date().timeIntervalSince1970) - 3600)
        let folder = try TestFolder.make("greader-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("reader.sqlite").path
        let root = service.server.url("/").absoluteString

        let (refused, refusal) = try Self.reader(["login", "--db", db, "--service", "freshrss", "--server", root, "--user", "alice"], input: "wrong\n")
        #expect(refused == 4 && refusal.contains("refused this user name and password"), "\(refused): \(refusal)")
        let (status, login) = try Self.reader(["login", "--db", db, "--service", "freshrss", "--server", root, "--user", "alice"], input: "correct horse\n")
        #expect(status == 0 && login.contains("/api/greader.php (Google Reader API) as alice"), "\(login)")
        let (again, _) = try Self.reader(
            ["login", "--db", db, "--api", "greader", "--server", service.baseURL.absoluteString, "--user", "alice"],
            environment: ["READER_PASSWORD": "correct horse"]
        )
        #expect(again == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let (synced, sync) = try Self.reader(["sync", "--db", db])
        #expect(synced == 0 && sync.contains("pulled"), "\(sync)")
        let (_, statusText) = try Self.reader(["status", "--db", db])
        #expect(statusText.contains("articles:  4") && statusText.contains("notes and reading progress stay on this device"), "\(statusText)")
        #expect(!service.core.requests.contains { $0.line.contains("correct horse") }) // the password went in a POST body only
    }
}
