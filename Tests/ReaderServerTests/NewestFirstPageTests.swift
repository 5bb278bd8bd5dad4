import ContractSupport
import Foundation
import HummingbirdTesting
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import Testing

/// Newest-first pages (docs/SYNC.md, "The first sync") keep the byte budget of every page:
/// a page cut short names the last change it carries, and the next page goes on below it.
@Suite struct NewestFirstPageTests {
    @Test func newestFirstPagesStopAtTheByteBudgetAndSkipNothing() async throws {
        let budget = 600_000
        let server = try await TestServer.onTestEngine(limits: ServerLimits(maxPageBytes: budget))
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        let article = TestServer.articleID(0)
        let body = String(repeating: "words and more words\n", count: 200_000 / 21)
        let notes = (0..<12).map { Make.createNote("m\($0)", note: "n\($0)", article: article, body: body + "\($0)", at: 10 + Int64($0)) }
        try await server.app.test(.router) { client in
            _ = try await client.push(notes, token: token)
            var before: String?
            var pulled: [SequencedChange] = []
            var heads: Set<String> = []
            var pages = 0
            while true {
                let query = "/v1/changes?order=newest_first&limit=1000" + (before.map { "&before=\($0)" } ?? "")
                let response = try await client.send(.get, query, token: token)
                #expect(response.status == .ok)
                try Contract.validate(response.data, against: "change-page")
                let page = try JSONDecoder().decode(ChangePage.self, from: response.data)
                #expect(!page.changes.isEmpty)
                #expect(response.data.count <= budget || page.changes.count == 1, "a page of \(response.data.count) bytes")
                heads.insert(try #require(page.head))
                pulled += page.changes
                pages += 1
                before = page.nextCursor
                if !page.hasMore { break }
            }
            #expect(pulled.map(\.change.id).filter { $0.hasPrefix("n") } == (0..<12).reversed().map { "n\($0)" })
            #expect(pulled.map(\.seq) == pulled.map(\.seq).sorted(by: >))
            #expect(pages >= 4)
            #expect(heads.count == 1)
            // The last page's cursor is the head, to pull oldest first from.
            #expect(before == heads.first)
            let (oldest, _) = try await client.pullAll(token: token, since: "0", limit: 1000)
            #expect(oldest.count == pulled.count)
        }
    }
}
