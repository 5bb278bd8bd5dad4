import ReaderModels

/// A GReader item id, in whichever of its forms a service sent it, and the local article
/// id it maps to for good.
///
/// Most services number items with 64-bit integers and write them three ways: decimal in
/// `stream/items/ids` (`"1796059424188446"`), the long form in `stream/items/contents`
/// (`tag:google.com,2005:reader/item/0006625bc9a4f25e`) and, on some, bare 16-digit hex.
/// All three are one number, whose 16 lower-case hex digits are the local article id, so
/// the mapping needs no table and is the same on every device. An id that is not a 64-bit
/// number (The Old Reader's 24-digit hex, say) is kept as it came, and its article id is a
/// hash of it. Either way the article's guid keeps the long form, which is what an
/// `edit-tag` sends back.
struct GReaderItemID: Hashable, Sendable {
    enum Value: Hashable, Sendable {
        case number(UInt64)
        case opaque(String)
    }

    let value: Value

    static let longPrefix = "tag:google.com,2005:reader/item/"
    /// No form of an id a real service sends comes near this.
    static let maxBytes = 128

    /// Parses any form; nil for text that is not an id (empty, too long, or holding
    /// characters no id holds). A string of decimal digits is read as decimal: that is
    /// what `stream/items/ids` sends.
    init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= Self.maxBytes else { return nil }
        if text.hasPrefix(Self.longPrefix) {
            let rest = String(text.dropFirst(Self.longPrefix.count))
            if rest.utf8.count <= 16, let number = UInt64(rest, radix: 16) {
                value = .number(number)
            } else if Self.isOpaque(rest) {
                value = .opaque(rest)
            } else {
                return nil
            }
        } else if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let number = UInt64(text) {
            value = .number(number)
        } else if text.first == "-", let number = Int64(text) {
            // Google's own ids were signed; the bits are the id.
            value = .number(UInt64(bitPattern: number))
        } else if text.utf8.count == 16, let number = UInt64(text, radix: 16), text == text.lowercased() || text == text.uppercased() {
            value = .number(number)
        } else if Self.isOpaque(text) {
            value = .opaque(text)
        } else {
            return nil
        }
    }

    init(number: UInt64) { value = .number(number) }

    /// The long form: what `stream/items/contents` sends and `edit-tag` accepts.
    var longForm: String {
        switch value {
        case .number(let number): Self.longPrefix + Self.hex16(number)
        case .opaque(let text): Self.longPrefix + text
        }
    }

    /// The local article id: 16 lower-case hex digits (`WireLimits.articleIDLength`).
    var articleID: String {
        switch value {
        case .number(let number): Self.hex16(number)
        case .opaque(let text): String(Fingerprint.sha256Hex(["greader-item", text]).prefix(WireLimits.articleIDLength))
        }
    }

    /// The id of an article that came from elsewhere (a guid that is not a GReader id):
    /// its 16 hex digits read as the number, as `reader-server` numbers its items.
    init?(articleID: String, guid: String?) {
        if let guid, guid.hasPrefix(Self.longPrefix), let id = GReaderItemID(guid) {
            self = id
        } else if articleID.utf8.count == 16, let number = UInt64(articleID, radix: 16) {
            value = .number(number)
        } else {
            return nil
        }
    }

    private static func hex16(_ number: UInt64) -> String {
        let digits = String(number, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Letters, digits and `-_.:`: enough for every service's own scheme.
    private static func isOpaque(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
                true
            default:
                false
            }
        }
    }
}
