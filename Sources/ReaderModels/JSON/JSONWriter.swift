/// The package's one JSON writer: appends JSON to a byte array, value by value.
///
/// Two ways to use it, with the same bytes for the same value:
/// - ``value(_:)`` writes a ``JSONValue`` canonically: object members in sorted key order,
///   no insignificant space (or Foundation's pretty layout, `pretty: true`). Stored outbox
///   fields and tags, exports and the CLI's `--json` go this way.
/// - `beginObject()`, `key(_:)`, `string(_:)`…, by hand, in the order the caller chooses.
///   The server writes change pages this way (``ChangePageJSON``): a page of 1,000 articles
///   is megabytes of mostly text, and writing it straight into one buffer, escaping runs of
///   plain bytes at a time, saves `JSONEncoder`'s boxing of every value. `reader-bench json`
///   (release build, 2 cores, load 1.75): 6.6 ms a 7 MB page by hand, 39 ms with
///   `JSONEncoder` (5.9x), 121 ms through a `JSONValue` tree (18x).
///
/// Strings are escaped as JSON requires and no more (as `JSONEncoder` with
/// `.withoutEscapingSlashes` does): `"` and `\\`, `\b \f \n \r \t`, other control
/// characters as `\u00xx`; everything else, non-ASCII included, is written as its UTF-8.
/// Numbers as `JSONEncoder` writes a `Double`: a whole number up to 2^53 in magnitude as an
/// integer (−0 as `0`), anything else in the shortest form that reads back as the same
/// `Double` (`0.1`, `1e-07`, `1e+16`); not-a-number and infinities, which JSON cannot hold,
/// as `0`.
///
/// Optional fields that are nil are left out by `member(_:_:)`, as the synthesized `Codable`
/// conformances of the wire records do, so both encoders produce the same documents.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false
    /// Foundation's `.prettyPrinted` layout: two spaces a level, `"key" : value`.
    private let pretty: Bool
    /// How many objects and arrays are open, for the pretty layout's indentation.
    private var depth = 0
    /// Whether a key was just written, so its value goes on the same line.
    private var afterKey = false

    package init(capacity: Int = 256, pretty: Bool = false) {
        self.pretty = pretty
        bytes.reserveCapacity(capacity)
    }

    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes written so far.
    package var count: Int { bytes.count }

    /// A point to come back to with `rewind(to:)`.
    package var mark: (count: Int, needsComma: Bool) { (bytes.count, needsComma) }

    /// Drops what was written after `mark`.
    package mutating func rewind(to mark: (count: Int, needsComma: Bool)) {
        bytes.removeSubrange(mark.count...)
        needsComma = mark.needsComma
        afterKey = false
    }

    /// Writes `value` canonically: members in sorted key order, so equal values give equal
    /// bytes whatever order a dictionary holds them in.
    package mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let value): bool(value)
        case .number(let value): double(value)
        case .string(let value): string(value)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let members):
            beginObject()
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                separate()
                appendEscaped(name)
                appendColon()
                self.value(member)
            }
            endObject()
        }
    }

    package mutating func beginObject() {
        open(UInt8(ascii: "{"))
    }

    package mutating func endObject() {
        close(UInt8(ascii: "}"))
    }

    package mutating func beginArray() {
        open(UInt8(ascii: "["))
    }

    package mutating func endArray() {
        close(UInt8(ascii: "]"))
    }

    /// Writes `"name":`; the value follows.
    package mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        appendColon()
    }

    package mutating func string(_ value: String) {
        separate()
        appendEscaped(value)
        needsComma = true
    }

    package mutating func int(_ value: some BinaryInteger) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    /// A finite number in the shortest form that reads back as the same Double. Up to 2^53
    /// a whole number is written as an integer; past it, `description` is in exponent form.
    package mutating func double(_ value: Double) {
        separate()
        if value.isFinite, value == value.rounded(), abs(value) <= 9_007_199_254_740_992 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: (value.isFinite ? value.description : "0").utf8)
        }
        needsComma = true
    }

    package mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    package mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Already-encoded JSON, written as one value.
    package mutating func raw(_ json: some Sequence<UInt8>) {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    package mutating func stringArray(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// `"name":"value"`, or nothing when the value is nil.
    package mutating func member(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        depth += 1
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        // An empty container stays `[]` or `{}` in the pretty layout too.
        if pretty, needsComma { newline() }
        bytes.append(bracket)
        needsComma = true
    }

    /// The comma before a member or element, and in the pretty layout its own line; a
    /// value that follows its key needs neither.
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        if pretty, depth > 0 { newline() }
    }

    private mutating func appendColon() {
        if pretty {
            bytes.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: " ")])
        } else {
            bytes.append(UInt8(ascii: ":"))
        }
        needsComma = false
        afterKey = true
    }

    private mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes a quoted string, copying runs of bytes that need no escape in one go.
    private mutating func appendEscaped(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    bytes.append(contentsOf: Array("u00".utf8))
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
            if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
