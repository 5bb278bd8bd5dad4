import Foundation
import Testing

/// Text over a contract limit is refused at the edit, in one line, with exit 7.
@Suite struct LimitCLITests {
    @Test func aQuoteOverItsLimitIsRefusedInOneLineWithExitSeven() async throws {
        let cli = try CLI()
        _ = try await cli.run(["import", CLI.sample("night-sky.json")])
        let articles = try await cli.json(["articles", "list"])["articles"] as? [[String: Any]] ?? []
        let id = articles.first?["id"] as? String ?? ""
        let result = try await cli.run(["notes", "add", id, "hmm", "--quote", String(repeating: "q", count: 5000)])
        #expect(result.status == 7)
        #expect(result.stderr == "reader: the quoted passage is 5000 bytes, over the limit of 4096 bytes; nothing was saved\n")
        #expect(try await cli.json(["status"])["notes"] as? Int == 0)
    }
}
