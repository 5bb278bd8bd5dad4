import Foundation
import ReaderModels
import Testing

/// The one canonical JSON writer: outbox fields, tags, exports, change pages and the CLI's
/// `--json` all depend on these exact bytes.
@Suite struct JSONWriterTests {
    private static func canonical(_ value: JSONValue) -> String { value.canonicalText }

    /// What Foundation writes with the options the server and the sync client use.
    private static func foundation(_ value: some Encodable, pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func membersAreWrittenInSortedKeyOrderAtEveryDepth() {
        let value = JSONValue.object([
            "tags": .strings(["b", "a"]), "read": .bool(true), "anchor": .object(["suffix": .string("s"), "exact": .string("e")]),
            "B": .null, "a10": .number(1), "a9": .number(2),
        ])
        #expect(Self.canonical(value) == #"{"B":null,"a10":1,"a9":2,"anchor":{"exact":"e","suffix":"s"},"read":true,"tags":["b","a"]}"#)
    }

    @Test func equalObjectsGiveEqualBytesWhateverTheirInsertionOrder() {
        let keys = (0..<40).map { "field\($0)" }
        var forward: JSONObject = [:]
        for key in keys { forward[key] = .string(key) }
        var backward: JSONObject = [:]
        backward.reserveCapacity(100)
        for key in keys.reversed() { backward[key] = .string(key) }
        #expect(Self.canonical(.object(forward)) == Self.canonical(.object(backward)))
    }

    @Test func controlCharactersAreEscapedAndNothingElse() {
        #expect(Self.canonical(.string("\"\\/")) == #""\"\\/""#, "quote and backslash escaped, slash not")
        #expect(Self.canonical(.string("\u{8}\u{C}\n\r\t")) == #""\b\f\n\r\t""#)
        #expect(Self.canonical(.string("\u{0}\u{1}\u{1F}")) == #""\u0000\u0001\u001f""#)
        #expect(Self.canonical(.string("\u{7F}")) == "\"\u{7F}\"", "DEL is not a JSON control character")
        let wide = "é 中文 😀 \u{2028}\u{2029} \u{FEFF}"
        #expect(Self.canonical(.string(wide)) == "\"\(wide)\"", "non-ASCII is written as its UTF-8")
        #expect(Array(Self.canonical(.string("é")).utf8) == [0x22, 0xC3, 0xA9, 0x22])
    }

    @Test func stringsMatchFoundationsEscapingByteForByte() throws {
        // Push results are stored as JSONEncoder wrote them and replayed as they are; the
        // writer must not disagree with what is already stored.
        var all = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }
        all += ["é", "中", "😀", "\u{2028}", "\u{FEFF}", "a\u{301}", "</script>"]
        for text in all {
            #expect(Self.canonical(.string(text)) == (try Self.foundation(text)), "U+\(String(text.unicodeScalars.first!.value, radix: 16))")
        }
    }

    @Test func numbersAreWholeUpToTwoToTheFiftyThirdAndShortestOtherwise() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (-3, "-3"), (0.5, "0.5"), (0.1, "0.1"), (1.0 / 3, "0.3333333333333333"),
            (123_456_789_012_345, "123456789012345"), (1e15, "1000000000000000"), (9_007_199_254_740_992, "9007199254740992"),
            (18_014_398_509_481_984, "1.8014398509481984e+16"), (1e16, "1e+16"), (-1e300, "-1e+300"),
            (1e-7, "1e-07"), (2.5e-5, "2.5e-05"), (-1.25, "-1.25"),
            (.nan, "0"), (.infinity, "0"), (-.infinity, "0"),
        ]
        for (number, text) in cases {
            #expect(Self.canonical(.number(number)) == text, "\(number)")
        }
    }

    @Test func finiteNumbersMatchFoundation() throws {
        for number in [
            0, 1, -3, 0.5, 0.1, 1.0 / 3, 123_456_789_012_345, 1e15, 9_007_199_254_740_992, 18_014_398_509_481_984, 1e16,
            1e-7, 2.5e-5, 0.75, 1e300, -1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
        ] as [Double] {
            #expect(Self.canonical(.number(number)) == (try Self.foundation(number)), "\(number)")
        }
    }

    @Test func aCanonicalTextReadsBackAsTheSameValueAndIsWrittenTheSameAgain() throws {
        let value = JSONValue.object([
            "article_id": .string("a\u{0}b \"c\" é😀"), "progress": .number(0.25), "read": .bool(false),
            "anchor": .object(["exact": .string("line\nbreak"), "prefix": .string(""), "suffix": .string("\\")]),
            "tags": .strings(["z", "a", "ü"]), "nothing": .null, "nested": .array([.array([]), .object([:]), .number(-7)]),
        ])
        let text = value.canonicalText
        let read = try JSONValue(parsing: text)
        #expect(read == value)
        #expect(read.canonicalText == text)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value)
    }

    @Test func theCompactFormIsFoundationsSortedKeysForm() throws {
        let value = JSONValue.object([
            "status": .string("applied"), "record": .object(["body": .string("a/b\tc"), "revision": .number(3)]),
            "tags": .strings([]), "empty": .object([:]), "flag": .bool(true), "none": .null,
        ])
        #expect(value.canonicalText == (try Self.foundation(value)))
    }

    @Test func thePrettyFormIsFoundationsLayoutWithEmptyContainersFolded() throws {
        let value = JSONValue.object([
            "articles": .array([.object(["id": .string("x"), "tags": .strings(["a", "b"])])]),
            "format": .string("reader-export/1"), "notes": .array([]), "map": .object([:]),
        ])
        var writer = JSONWriter(pretty: true)
        writer.value(value)
        #expect(writer.text == """
            {
              "articles" : [
                {
                  "id" : "x",
                  "tags" : [
                    "a",
                    "b"
                  ]
                }
              ],
              "format" : "reader-export/1",
              "map" : {},
              "notes" : []
            }
            """)
        let nonEmpty = JSONValue.object(["a": .array([.number(1), .object(["b": .string("c")])]), "d": .bool(false)])
        var pretty = JSONWriter(pretty: true)
        pretty.value(nonEmpty)
        #expect(pretty.text == (try Self.foundation(nonEmpty, pretty: true)))
    }

    @Test func canonicalJSONIsThePrettyFormWithAFinalNewline() throws {
        struct Export: Encodable {
            var format = "reader-export/1"
            var notes: [String] = []
            var progress = 0.5
            var count = 2
            var at = Date(timeIntervalSince1970: 1_800_000_000.25)
        }
        let text = String(decoding: try CanonicalJSON.encode(Export()), as: UTF8.self)
        #expect(text == """
            {
              "at" : "\(Timestamp.format(Date(timeIntervalSince1970: 1_800_000_000.25)))",
              "count" : 2,
              "format" : "reader-export/1",
              "notes" : [],
              "progress" : 0.5
            }

            """)
    }

    @Test func writingByHandAndWritingAValueGiveTheSameBytes() {
        var byHand = JSONWriter()
        byHand.beginObject()
        byHand.key("a")
        byHand.stringArray(["x", "y\n"])
        byHand.key("b")
        byHand.beginObject()
        byHand.member("c", "d")
        byHand.member("e", nil)
        byHand.endObject()
        byHand.key("f")
        byHand.double(2)
        byHand.endObject()
        let value = JSONValue.object(["a": .strings(["x", "y\n"]), "b": .object(["c": .string("d")]), "f": .number(2)])
        #expect(byHand.text == value.canonicalText)
    }

    @Test func aRewoundWriterContinuesAsIfNothingWasWritten() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.int(1)
        let mark = writer.mark
        writer.string("dropped")
        writer.rewind(to: mark)
        writer.int(2)
        writer.endArray()
        #expect(writer.text == "[1,2]")
    }

    @Test func storedTagsReadBackAndAnythingElseReadsAsNone() {
        #expect(JSONValue.strings(in: JSONValue.strings(["a", "b\"c"]).canonicalText) == ["a", "b\"c"])
        #expect(JSONValue.strings(in: nil) == [])
        #expect(JSONValue.strings(in: "not json") == [])
        #expect(JSONValue.strings(in: #"["a",1]"#) == [])
        #expect(JSONValue.strings(in: #"{"a":"b"}"#) == [])
    }
}
