import Foundation
import LoopbackHTTP
import Testing

/// `reader sync` against a server that breaks the clock bound: a protocol error (exit 5),
/// said in one line, with nothing applied.
@Suite struct SyncClockCLITests {
    @Test func aServerStampFromTheFarFutureIsAProtocolError() async throws {
        let page = #"{"changes":[],"next_cursor":"1","has_more":false,"server_hlc":"9999999999999999-ffff-x"}"#
        let server = try RoutedServer(["/v1/changes": .body(Array(page.utf8), contentType: "application/json")])
        let cli = try CLI()
        let result = try await cli.run(
            ["sync", "--server", server.url("/").absoluteString, "--token", "any"], environment: FeedsCLITests.direct
        )
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("reader: "), "\(result.stderr)")
        #expect(result.stderr.contains("clock stamp 9999999999999999-ffff-x"), "\(result.stderr)")
        #expect(result.stderr.contains("24 hours ahead"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        let status = try await cli.run(["status", "--json"])
        #expect(status.stdout.contains(#""cursor" : null"#) || !status.stdout.contains(#""cursor""#), "\(status.stdout)")
    }
}
