import Foundation

/// The ids of the Google Reader API as reader-server gives and takes them.
///
/// An item's id is the integer of its `greader_items` row: given once, when the article is
/// first stored, and never reused, so it is stable and grows with arrival (clients that
/// sort by id see the newest last, as on FreshRSS). The article's own id, 64 bits of hash,
/// is not used: half of those would be negative in the signed decimal form apps parse.
package enum GReaderItemID {
    package static let longPrefix = "tag:google.com,2005:reader/item/"

    /// The longest id text looked at; anything longer is no id.
    static let maxBytes = 64

    /// The long form: the prefix and the id as 16 lower-case hex digits.
    package static func long(_ id: Int64) -> String {
        longPrefix + hex16(id)
    }

    static func hex16(_ id: Int64) -> String {
        let digits = String(UInt64(bitPattern: id), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The id in any of the forms clients send: decimal (signed 64-bit, as Google gave
    /// them), the long form, or 16 bare hex digits. Nil for anything else, which the
    /// endpoints treat as an item that does not exist.
    package static func parse(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= maxBytes else { return nil }
        if text.hasPrefix(longPrefix) {
            return fromHex(text.dropFirst(longPrefix.count))
        }
        if text.utf8.count == 16, let value = fromHex(Substring(text)) {
            return value
        }
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }) else {
            return nil
        }
        return Int64(text)
    }

    private static func fromHex(_ text: Substring) -> Int64? {
        guard text.utf8.count == 16, text.utf8.allSatisfy(isHexDigit), let value = UInt64(text, radix: 16) else { return nil }
        return Int64(bitPattern: value)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}

/// A stream of the API: what `s`, a path after `stream/contents/` or `atom/`, or a
/// subscription's id names.
///
/// Labels map onto the data model in both of its places: on a subscription a label is one
/// of its tags (a folder), on an article one of its tags. A label stream holds the articles
/// tagged with it and the articles of the feeds filed under it.
package enum GReaderStream: Hashable, Sendable {
    case readingList
    case starred
    case read
    /// A feed, by the URL the user subscribed to (`feed/<url>`).
    case feed(String)
    case label(String)

    package static let statePrefix = "user/-/state/com.google/"
    package static let labelPrefix = "user/-/label/"
    package static let feedPrefix = "feed/"
    /// The longest stream id looked at: a feed id holds a URL of at most `WireLimits.maxURLBytes`.
    static let maxBytes = 2048 + 16

    /// The stream `text` names; `user/<anything>/` is the user's own (`user/-/`), as Google
    /// wrote the user's number there. Nil for a stream this server does not know.
    package init?(_ text: String) {
        // No control character names a stream, and PostgreSQL's text refuses NUL (a 500
        // instead of the 400 an unknown stream gets).
        guard !text.isEmpty, text.utf8.count <= Self.maxBytes, !text.utf8.contains(where: { $0 < 0x20 }) else { return nil }
        var id = text
        if id.hasPrefix("user/"), let slash = id.dropFirst(5).firstIndex(of: "/") {
            id = "user/-" + id[slash...]
        }
        if id.hasPrefix(Self.feedPrefix) {
            let url = String(id.dropFirst(Self.feedPrefix.count))
            guard !url.isEmpty else { return nil }
            self = .feed(url)
        } else if id.hasPrefix(Self.labelPrefix) {
            let name = String(id.dropFirst(Self.labelPrefix.count))
            guard GReaderLabel.isValid(name) else { return nil }
            self = .label(name)
        } else {
            switch id {
            case Self.statePrefix + "reading-list": self = .readingList
            case Self.statePrefix + "starred": self = .starred
            case Self.statePrefix + "read": self = .read
            default: return nil
            }
        }
    }

    /// The id clients are given.
    package var id: String {
        switch self {
        case .readingList: Self.statePrefix + "reading-list"
        case .starred: Self.statePrefix + "starred"
        case .read: Self.statePrefix + "read"
        case .feed(let url): Self.feedPrefix + url
        case .label(let name): Self.labelPrefix + name
        }
    }
}

/// What `edit-tag` adds or removes: read, starred, or a label (an article tag).
package enum GReaderTag: Hashable, Sendable {
    case read
    case starred
    case label(String)

    /// The tag `text` names; nil for one this server does not keep (kept-unread, like,
    /// broadcast), which the endpoints ignore as FreshRSS does.
    package init?(_ text: String) {
        switch GReaderStream(text) {
        case .read: self = .read
        case .starred: self = .starred
        case .label(let name): self = .label(name)
        default: return nil
        }
    }
}

/// Label names: the tag rules of the data model (1 to 64 bytes, no control characters),
/// since a label is stored as a tag.
package enum GReaderLabel {
    static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        return bytes.allSatisfy { $0 >= 0x20 && $0 != 0x7F }
    }
}
