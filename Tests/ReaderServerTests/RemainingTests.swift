import ContractSupport
import Foundation
import HummingbirdTesting
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import Testing

/// A change page says how many of the user's changes come after it, for a progress bar.
@Suite struct RemainingTests {
    @Test func eachPageCountsTheUsersChangesAfterIt() async throws {
        let server = try await TestServer.onTestEngine()
        let ada = try await server.addUser("ada")
        _ = try await server.addUser("bob")
        try await server.importArticles(7, for: ["ada"])
        // Bob's changes sit between Ada's and after them: none of them is Ada's to count.
        try await server.importArticles(5, source: "Other", for: ["bob"])
        try await server.app.test(.router) { client in
            let article = TestServer.articleID(0)
            _ = try await client.push([Make.createNote("m1", note: "n1", article: article, body: "x", at: 10)], token: ada)
            let everything = try await client.pullAll(token: ada, limit: 1000)
            let total = everything.changes.count
            #expect(total == 9, "a source, seven articles and a note")
            var cursor = "0"
            var pulled = 0
            var seen: [Int] = []
            while true {
                let response = try await client.send(.get, "/v1/changes?since=\(cursor)&limit=2", token: ada)
                try Contract.validate(response.data, against: "change-page")
                let page = try JSONDecoder().decode(ChangePage.self, from: response.data)
                pulled += page.changes.count
                let remaining = try #require(page.remaining)
                seen.append(remaining)
                #expect(remaining == total - pulled)
                cursor = page.nextCursor
                if !page.hasMore { break }
            }
            #expect(seen == [7, 5, 3, 1, 0])
            // A change made after the last page: the next page is it, and nothing remains.
            _ = try await client.push([Make.createNote("m2", note: "n2", article: article, body: "y", at: 11)], token: ada)
            let later = try JSONDecoder().decode(
                ChangePage.self, from: try await client.send(.get, "/v1/changes?since=\(cursor)&limit=2", token: ada).data
            )
            #expect(later.changes.count == 1 && later.remaining == 0 && !later.hasMore)
        }
    }

    /// Changes the byte budget cuts off a page come next time, so they remain too.
    @Test func aPageCutByItsBudgetCountsWhatItCutOff() throws {
        let changes = (1...3).map { SequencedChange(seq: Int64($0), change: .tombstone(.note, id: "n\($0)")) }
        let page = ChangePage(changes: changes, nextCursor: "3", hasMore: true, serverHLC: Make.stamp(1, "server"), remaining: 4)
        let whole = ChangePageJSON.encode(page)
        #expect(try JSONDecoder().decode(ChangePage.self, from: Data(whole)) == page)
        let cut = try JSONDecoder().decode(ChangePage.self, from: Data(ChangePageJSON.encode(page, budget: whole.count - 10)))
        #expect(cut.changes.count < 3 && cut.nextCursor == String(cut.changes.count))
        #expect(cut.remaining == 4 + 3 - cut.changes.count)
        let one = try JSONDecoder().decode(ChangePage.self, from: Data(ChangePageJSON.encode(page, budget: 1)))
        #expect(one.changes.count == 1 && one.remaining == 6)
    }

    /// A page from a server older than the field decodes, with no count.
    @Test func aPageWithoutRemainingDecodes() throws {
        let json = #"{"changes":[],"next_cursor":"5","has_more":false,"server_hlc":"\#(Make.stamp(1, "server"))"}"#
        let page = try JSONDecoder().decode(ChangePage.self, from: Data(json.utf8))
        #expect(page.remaining == nil)
        try page.check()
        try Contract.validate(Data(json.utf8), against: "change-page")
    }

    @Test func aNegativeRemainingBreaksTheContract() throws {
        let page = ChangePage(changes: [], nextCursor: "1", hasMore: false, serverHLC: Make.stamp(1, "server"), remaining: -1)
        #expect(throws: WireViolation.self) { try page.check() }
    }
}
