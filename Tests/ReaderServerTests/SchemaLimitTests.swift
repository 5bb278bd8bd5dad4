import ContractSupport
import Foundation
import ReaderModels
import Testing

/// The limits the schemas publish are the ones the code enforces (`WireLimits`).
@Suite struct SchemaLimitTests {
    @Test func theSchemasPublishTheLimitsOfWireLimits() throws {
        let common = try Contract.load("json/common.schema.json")
        func number(_ path: String...) -> Int? {
            var value: JSONValue? = common
            for key in path { value = value?.objectValue?[key] }
            if case .number(let number)? = value { return Int(number) }
            return nil
        }
        #expect(number("$defs", "id", "maxLength") == WireLimits.maxIDBytes)
        #expect(number("$defs", "feed-url", "maxLength") == WireLimits.maxURLBytes)
        #expect(number("$defs", "tag", "maxLength") == WireLimits.maxTagBytes)
        #expect(number("$defs", "tags", "maxItems") == WireLimits.maxTags)
        #expect(number("$defs", "note-body", "maxLength") == WireLimits.maxNoteBodyBytes)
        #expect(number("$defs", "hlc", "maxLength") == WireLimits.maxHLCBytes)
        #expect(number("$defs", "text-quote-selector", "properties", "exact", "maxLength") == WireLimits.maxQuoteBytes)
        #expect(number("$defs", "text-quote-selector", "properties", "prefix", "maxLength") == WireLimits.maxQuoteContextBytes)
        let article = try Contract.load("json/article.schema.json").objectValue?["properties"]?.objectValue
        func articleLimit(_ name: String) -> Int? {
            if case .number(let number)? = article?[name]?.objectValue?["maxLength"] { return Int(number) }
            return nil
        }
        #expect(articleLimit("html") == WireLimits.maxHTMLBytes && articleLimit("text") == WireLimits.maxArticleTextBytes)
        #expect(articleLimit("summary") == WireLimits.maxSummaryBytes && articleLimit("title") == WireLimits.maxTitleBytes)
    }

    @Test func idsAndTextsAreCheckedByTheSchemas() throws {
        let stamp = "0001764108000000-0000-device"
        func note(_ id: String, body: String = "x") -> Data {
            Data(#"{"id":"\#(id)","article_id":"0123456789abcdef","body":"\#(body)","created_at":"2026-11-25T09:30:00.000Z","updated_at":"2026-11-25T09:30:00.000Z","revision":1,"conflicted":false,"body_hlc":"\#(stamp)"}"#.utf8)
        }
        try Contract.validate(note("0b4e-uuid:1.~_"), against: "note")
        for bad in ["a\\u0000b", "has space", "", String(repeating: "n", count: 129)] {
            #expect(throws: ContractViolation.self) { try Contract.validate(note(bad), against: "note") }
        }
        #expect(throws: ContractViolation.self) {
            try Contract.validate(note("n", body: String(repeating: "b", count: WireLimits.maxNoteBodyBytes + 1)), against: "note")
        }
    }
}
