import Foundation
import ReaderModels
@testable import ReaderSync
import Testing

/// The id mapping and the cursor of the GReader backend: pure functions, no service.
@Suite struct GReaderItemMappingTests {
    @Test func everyFormOfAnItemIDNamesOneArticle() throws {
        let forms = ["1796059424188446", "tag:google.com,2005:reader/item/00066181abf9681e", "00066181abf9681e", "00066181ABF9681E"]
        let ids = forms.compactMap(GReaderItemID.init)
        #expect(ids.count == 4 && Set(ids).count == 1)
        #expect(ids.first?.articleID == String(Fingerprint.sha256Hex(["greader-item", "tag:google.com,2005:reader/item/00066181abf9681e"]).prefix(16)))
        #expect(ids.first?.longForm == "tag:google.com,2005:reader/item/00066181abf9681e")
        // Google's signed decimals are the same 64 bits.
        #expect(GReaderItemID("-1") == GReaderItemID("tag:google.com,2005:reader/item/ffffffffffffffff"))
        // Neighbouring items do not share the leading digits people tell articles apart by.
        let neighbours = (1...50).compactMap { GReaderItemID(String($0))?.articleID.prefix(8) }
        #expect(Set(neighbours).count == 50)
    }

    @Test func anIDThatIsNoNumberIsKeptAndHashed() throws {
        let old = try #require(GReaderItemID("5c8d2e1f9a7b3c4d5e6f7a8b")) // 24 hex digits, as The Old Reader's
        #expect(old.longForm == "tag:google.com,2005:reader/item/5c8d2e1f9a7b3c4d5e6f7a8b")
        #expect(old.articleID.count == 16)
        #expect(GReaderItemID(old.longForm) == old)
        #expect(GReaderItemID(guid: old.longForm) == old && GReaderItemID(guid: "https://example.org/1") == nil)
        for junk in ["", "has space", "semi;colon", String(repeating: "9", count: 129), "99999999999999999999999"] {
            #expect(GReaderItemID(junk) == nil || junk == "99999999999999999999999", "\(junk)")
        }
        // Too large for 64 bits: not a number, so kept as text rather than wrapped.
        #expect(GReaderItemID("99999999999999999999999")?.value == .opaque("99999999999999999999999"))
    }

    @Test func theCursorRoundTripsAndRefusesWhatItDidNotWrite() {
        let positions: [GReaderCursor] = [
            .done(since: 0), .done(since: 1_764_500_000), .reconcile(newest: 42),
            .items(since: 7, newest: 9, continuation: nil), .items(since: 7, newest: 9, continuation: "a/b+c=d é"),
            .items(since: 7, newest: 9, continuation: "x", pages: 12, skip: 300), .items(since: 0, newest: 0, continuation: nil, pages: 9999, skip: 1000),
        ]
        // A cursor of the version before the page count: read as 0 pages, 0 skipped.
        #expect(GReaderCursor("gr1.i.7.9") == .items(since: 7, newest: 9, continuation: nil))
        for position in positions {
            #expect(GReaderCursor(position.text) == position)
            #expect(position.text.utf8.count <= 128 && !position.text.contains(" "))
        }
        let longest = GReaderCursor.items(
            since: Int64.max, newest: Int64.max, continuation: String(repeating: "é", count: GReaderCursor.maxContinuationBytes / 2),
            pages: 999_999, skip: 9999
        )
        #expect(longest.text.utf8.count <= 128)
        for junk in ["", "42", "gr1.x.1", "gr1.d.-5", "gr1.i.1", "gr1.i.1.2.!!", "gr2.d.1", "gr1.j.1.2.3", "gr1.j.1.2.-3.0", "gr1.j.1.2.3.12345"] {
            #expect(GReaderCursor(junk) == nil, "\(junk)")
        }
    }

    @Test func presetsPutTheAPIWhereEachServiceServesIt() throws {
        let site = try #require(URL(string: "https://rss.example.net/"))
        #expect(GReaderService.freshrss.apiURL(server: site)?.absoluteString == "https://rss.example.net/api/greader.php")
        let given = try #require(URL(string: "https://rss.example.net/api/greader.php"))
        #expect(GReaderService.freshrss.apiURL(server: given) == given)
        #expect(GReaderService.miniflux.apiURL(server: site) == site)
        #expect(GReaderService.miniflux.apiURL(server: nil) == nil)
        #expect(GReaderService.inoreader.apiURL(server: nil)?.host == "www.inoreader.com" && GReaderService.inoreader.needsAppKey)
        #expect(GReaderService.theoldreader.apiURL(server: nil)?.host == "theoldreader.com")
        #expect(GReaderService.bazqux.apiURL(server: nil)?.host == "bazqux.com")
    }
}
