import ContractSupport
import Foundation
import HummingbirdTesting
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import Testing

/// Change pages are bounded by bytes as well as by count, and always carry one change.
@Suite struct PageBudgetTests {
    static let budget = 600_000

    /// A server whose pages hold at most `budget` bytes, and twelve notes of 200 KB for
    /// user `ada` to push: three of them fill a page.
    static func serverWithLargeNotes() async throws -> (server: TestServer, token: String, notes: [WireMutation]) {
        let server = try await TestServer.onTestEngine(limits: ServerLimits(maxPageBytes: budget))
        let token = try await server.addUser("ada")
        try await server.importArticles(1)
        let article = TestServer.articleID(0)
        let body = String(repeating: "words and more words\n", count: 200_000 / 21)
        let notes = (0..<12).map { Make.createNote("m\($0)", note: "n\($0)", article: article, body: body + "\($0)", at: 10 + Int64($0)) }
        return (server, token, notes)
    }

    @Test func pagesStopAtTheByteBudgetAndCarryEveryChangeInTurn() async throws {
        let (server, token, notes) = try await Self.serverWithLargeNotes()
        let budget = Self.budget
        try await server.app.test(.router) { client in
            _ = try await client.push(notes, token: token)
            var cursor = "0"
            var pulled: [String] = []
            var pages = 0
            while true {
                let response = try await client.send(.get, "/v1/changes?since=\(cursor)&limit=1000", token: token)
                #expect(response.status == .ok)
                try Contract.validate(response.data, against: "change-page")
                let page = try JSONDecoder().decode(ChangePage.self, from: response.data)
                #expect(!page.changes.isEmpty)
                #expect(response.data.count <= budget || page.changes.count == 1, "a page of \(response.data.count) bytes")
                pulled += page.changes.map(\.change.id)
                pages += 1
                cursor = page.nextCursor
                if !page.hasMore { break }
            }
            #expect(pulled.filter { $0.hasPrefix("n") } == (0..<12).map { "n\($0)" })
            #expect(pages >= 4)
        }
    }

    /// Newest-first pages (docs/SYNC.md, "The first sync") keep the budget too: a page cut
    /// short names the last change it carries, and the next page goes on below it.
    @Test func newestFirstPagesStopAtTheByteBudgetAndSkipNothing() async throws {
        let (server, token, notes) = try await Self.serverWithLargeNotes()
        let budget = Self.budget
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

    @Test func aChangeLargerThanTheBudgetComesAloneAndTheNextPageCarriesOn() async throws {
        let server = try await TestServer.onTestEngine(limits: ServerLimits(maxPageBytes: 100))
        let token = try await server.addUser("ada")
        try await server.importArticles(2)
        try await server.app.test(.router) { client in
            let first = try await client.send(.get, "/v1/changes?since=0&limit=1000", token: token)
            let page = try JSONDecoder().decode(ChangePage.self, from: first.data)
            #expect(page.changes.count == 1 && page.hasMore)
            let (rest, _) = try await client.pullAll(token: token, since: page.nextCursor, limit: 1000)
            #expect(rest.count == 2)
        }
    }

    @Test func theEncoderRewindsTheChangeThatPassesTheBudget() throws {
        let changes = (1...3).map { SequencedChange(seq: Int64($0), change: .tombstone(.note, id: "n\($0)")) }
        let page = ChangePage(changes: changes, nextCursor: "3", hasMore: false, serverHLC: Make.stamp(1, "server"))
        let whole = ChangePageJSON.encode(page)
        let cut = try JSONDecoder().decode(ChangePage.self, from: Data(ChangePageJSON.encode(page, budget: whole.count - 10)))
        #expect(cut.changes.map(\.seq) == [1, 2] && cut.hasMore && cut.nextCursor == "2")
        let one = try JSONDecoder().decode(ChangePage.self, from: Data(ChangePageJSON.encode(page, budget: 1)))
        #expect(one.changes.map(\.seq) == [1] && one.hasMore && one.nextCursor == "1")
    }

    /// The client's caps hold the largest page and push answer the limits allow.
    @Test func theClientsCapsFitTheLargestLegalMessages() throws {
        let worst = String(repeating: "\u{1}", count: WireLimits.maxNoteBodyBytes)
        let quote = TextQuoteSelector(
            exact: String(repeating: "\u{1}", count: WireLimits.maxQuoteBytes),
            prefix: String(repeating: "\u{1}", count: WireLimits.maxQuoteContextBytes),
            suffix: String(repeating: "\u{1}", count: WireLimits.maxQuoteContextBytes)
        )
        let stamp = HLC(wallMillis: HLC.maxWallMillis, counter: HLC.maxCounter, node: String(repeating: "n", count: HLC.maxNodeBytes))
        let note = NoteRecord(
            id: String(repeating: "i", count: WireLimits.maxIDBytes), articleID: "0123456789abcdef", anchor: quote, body: worst,
            createdAt: "2026-11-25T09:30:00.000Z", updatedAt: "2026-11-25T09:30:00.000Z", revision: Int.max, conflicted: true,
            bodyHLC: stamp, anchorHLC: stamp
        )
        let article = ArticleRecord(
            id: "0123456789abcdef", sourceID: "0123456789ab", guid: String(repeating: "\u{1}", count: WireLimits.maxGUIDBytes),
            url: String(repeating: "\u{1}", count: WireLimits.maxURLBytes), title: String(repeating: "\u{1}", count: WireLimits.maxTitleBytes),
            author: String(repeating: "\u{1}", count: WireLimits.maxAuthorBytes),
            publishedAt: "2026-11-25T09:30:00.000Z", updatedAt: "2026-11-25T09:30:00.000Z",
            summary: String(repeating: "\u{1}", count: WireLimits.maxSummaryBytes),
            html: String(repeating: "\u{1}", count: WireLimits.maxHTMLBytes), text: String(repeating: "\u{1}", count: WireLimits.maxArticleTextBytes),
            contentHash: String(repeating: "f", count: 64), firstSeenAt: "2026-11-25T09:30:00.000Z"
        )
        for change in [Change.note(note), .article(article)] {
            let page = ChangePage(
                changes: [SequencedChange(seq: .max, change: change)], nextCursor: String(Int64.max), hasMore: true, serverHLC: stamp,
                remaining: .max
            )
            #expect(ChangePageJSON.encode(page).count <= WireLimits.maxChangePageBytes)
        }
        let result = MutationResult(mutationID: String(repeating: "m", count: WireLimits.maxIDBytes), status: .keptBoth, outcome: .note(note), error: nil)
        let answer = try JSONEncoder().encode(PushResponse(results: Array(repeating: result, count: 3), serverHLC: stamp))
        #expect(answer.count <= WireLimits.maxPushResponseBytes(notes: 3, others: 0))
    }
}
