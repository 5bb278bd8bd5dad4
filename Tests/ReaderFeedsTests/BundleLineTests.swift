@testable import ReaderFeeds
import Testing

@Suite struct BundleLineTests {
    private func line(_ text: String) -> BundleLine? {
        Array(text.utf8).withUnsafeBufferPointer { BundleLine($0) }
    }

    @Test func recognisesBylinesInAnyCase() {
        #expect(line("By Ana Ruiz") == .byline(name: "Ana Ruiz", line: "By Ana Ruiz"))
        #expect(line("BY TOMASZ BRENNAN") == .byline(name: "TOMASZ BRENNAN", line: "BY TOMASZ BRENNAN"))
        #expect(line("by li wei") == .byline(name: "li wei", line: "by li wei"))
    }

    @Test func trimsAndCollapsesSpaces() {
        #expect(line(" \tBy   Ana\tRuiz \r") == .byline(name: "Ana Ruiz", line: "By Ana Ruiz"))
        #expect(line("  \t \r") == .blank)
    }

    @Test func takesSentencesAndLongLinesForText() {
        let sentence = "By the end of March, prices had doubled."
        #expect(line(sentence) == .text(sentence))
        let long = "By " + String(repeating: "x", count: 118)
        #expect(line(long) == .text(long))
        #expect(line("Byways of the old town") == .text("Byways of the old town"))
        #expect(line("By") == .text("By"))
    }

    @Test func recognisesSourceLines() {
        #expect(line("Source: Harbour Weekly") == .source(name: "Harbour Weekly", line: "Source: Harbour Weekly"))
        #expect(line("SOURCE:Harbour Weekly") == .source(name: "Harbour Weekly", line: "SOURCE:Harbour Weekly"))
        #expect(line("Source: the 2024 census.") == .text("Source: the 2024 census."))
        #expect(line("Source:") == .text("Source:"))
        #expect(line("Sources differ on the date") == .text("Sources differ on the date"))
    }

    @Test func refusesInvalidUTF8() {
        #expect([UInt8]([0x43, 0x61, 0x66, 0xE9]).withUnsafeBufferPointer { BundleLine($0) } == nil)
        #expect([UInt8]([0xED, 0xA0, 0x80]).withUnsafeBufferPointer { BundleLine($0) } == nil)  // a surrogate
        #expect([UInt8]([0xC0, 0xAF]).withUnsafeBufferPointer { BundleLine($0) } == nil)  // overlong
    }

    @Test func findsFullStopsBehindClosingQuotes() {
        #expect(BundleLine.endsWithFullStop("The council agreed."))
        #expect(BundleLine.endsWithFullStop("The council agreed…"))
        #expect(BundleLine.endsWithFullStop("“We agreed.”"))
        #expect(BundleLine.endsWithFullStop("(As agreed.)"))
        #expect(!BundleLine.endsWithFullStop("Did the council agree?"))
        #expect(!BundleLine.endsWithFullStop("Mayor’s “open door” mornings return"))
    }
}
