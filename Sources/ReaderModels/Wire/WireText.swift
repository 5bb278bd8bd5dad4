/// The character-set and length rules of `WireLimits`, as checks. Every side runs the same
/// ones: the server on what it is pushed, the client on what it pulls and is answered, the
/// store on what a person types.
package enum WireText {
    /// A note, mutation or client id: 1 to `maxIDBytes` of letters, digits, `-_.:~`.
    package static func isID(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= WireLimits.maxIDBytes else { return false }
        return bytes.allSatisfy(isIDByte)
    }

    /// An article id: 16 lower-case hex digits.
    package static func isArticleID(_ text: String) -> Bool {
        isHex(text, count: WireLimits.articleIDLength)
    }

    /// A source id: 12 lower-case hex digits.
    package static func isSourceID(_ text: String) -> Bool {
        isHex(text, count: WireLimits.sourceIDLength)
    }

    /// A subscription's feed URL: 1 to `maxURLBytes`, no space and no control character.
    package static func isURL(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= WireLimits.maxURLBytes else { return false }
        return bytes.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    /// A tag: 1 to `maxTagBytes`, no control character.
    package static func isTag(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= WireLimits.maxTagBytes else { return false }
        return bytes.allSatisfy { $0 >= 0x20 && $0 != 0x7F }
    }

    /// A list of tags: at most `maxTags`, each one a tag.
    package static func areTags(_ tags: [String]) -> Bool {
        tags.count <= WireLimits.maxTags && tags.allSatisfy(isTag)
    }

    /// An instant in the one form the core writes (`2026-11-25T09:30:00.000Z`), and a real
    /// one: it reads back as itself, so February 30 or 24:00 is not one.
    package static func isTimestamp(_ text: String) -> Bool {
        guard text.utf8.count == WireLimits.timestampBytes, let date = Timestamp.parse(text) else { return false }
        return Timestamp.format(millis: Int64((date.timeIntervalSince1970 * 1000).rounded())) == text
    }

    /// Whether `text` is at most `limit` bytes of UTF-8.
    package static func fits(_ text: String, _ limit: Int) -> Bool {
        text.utf8.count <= limit
    }

    /// Whether an optional text is absent or at most `limit` bytes.
    package static func fits(_ text: String?, _ limit: Int) -> Bool {
        text.map { fits($0, limit) } ?? true
    }

    /// `text` cut to at most `limit` bytes at a Unicode scalar boundary (whole when it fits).
    package static func clipped(_ text: String, _ limit: Int) -> String {
        let bytes = text.utf8
        guard bytes.count > limit else { return text }
        var end = bytes.index(bytes.startIndex, offsetBy: max(limit, 0))
        // Back off continuation bytes (10xxxxxx) so the cut falls before a scalar's first byte.
        while end > bytes.startIndex, bytes[end] & 0xC0 == 0x80 { end = bytes.index(before: end) }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func isHex(_ text: String, count: Int) -> Bool {
        let bytes = text.utf8
        return bytes.count == count && bytes.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
    }
}
