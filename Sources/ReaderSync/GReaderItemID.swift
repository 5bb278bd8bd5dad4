import ReaderModels

/// A GReader item id, in whichever of its forms a service sent it, and the local article
/// id it maps to for good.
///
/// Most services number items with 64-bit integers and write them three ways: decimal in
/// `stream/items/ids` (`"1796059424188446"`), the long form in `stream/items/contents`
/// (`tag:google.com,2005:reader/item/00066181abf9681e`) and, on some, bare 16-digit hex.
/// All three are one number and one long form; an id that is not a 64-bit number (The Old
/// Reader's 24-digit hex, say) is kept as it came. The local article id is a hash of the
/// long form, so the mapping needs no table and is the same on every device; the hash,
/// not the number's own digits, because those share their leading digits (FreshRSS numbers
/// items by crawl time, `reader-server` from 1) and people tell articles apart by the first
/// eight. The article's guid keeps the long form, which is what an `edit-tag` sends back.
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
        String(Fingerprint.sha256Hex(["greader-item", longForm]).prefix(WireLimits.articleIDLength))
    }

    /// The item an article came from, read from its guid; nil for an article that did not
    /// come from a GReader service (the service has nothing to change for it).
    init?(guid: String?) {
        guard let guid, guid.hasPrefix(Self.longPrefix), let id = GReaderItemID(guid) else { return nil }
        self = id
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
