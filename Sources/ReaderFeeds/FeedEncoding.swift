import Foundation

/// Turns a fetched XML document into UTF-8 before it is parsed.
///
/// The charset comes from a byte-order mark, else the HTTP `Content-Type` header, else the
/// XML declaration, else UTF-8 (RFC 7303's order). Servers often label a UTF-8 feed as
/// ISO-8859-1, so bytes that are valid UTF-8 under a prolog declaring UTF-8 stay UTF-8. A
/// document declared UTF-8 (by the header, or by the prolog when the header is silent) that
/// holds bytes that are not UTF-8 keeps its UTF-8, with U+FFFD for each bad sequence: what it
/// declares is believed, and a valid multi-byte character is never turned into mojibake. A
/// document that declares nothing and is not valid UTF-8 is read as windows-1252, which is
/// what such documents almost always are. windows-1252, and US-ASCII and ISO-8859-1 read as
/// windows-1252, are transcoded here (the declaration rewritten to match, ``Windows1252``),
/// because libxml2 crashes on windows-1252's unassigned bytes; any other charset is left for
/// libxml2 to decode from the declaration, which ``XMLSafety`` checks.
public enum FeedEncoding {
    /// The charsets transcoded here. US-ASCII and ISO-8859-1 are read as windows-1252, as
    /// browsers read them (see ``Windows1252``).
    enum Charset: Equatable {
        case utf8, windows1252
    }

    /// The charset named by an IANA name or a common alias; nil for any other.
    static func charset(named name: String) -> Charset? {
        switch name.lowercased().trimmingCharacters(in: [" ", "\"", "'"]) {
        case "utf-8", "utf8": .utf8
        case "windows-1252", "cp1252", "x-cp1252", "win-1252", "us-ascii", "ascii",
            "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1":
            .windows1252
        default: nil
        }
    }

    /// The `charset` parameter of a `Content-Type` header value.
    public static func charset(ofContentType contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" {
                return parts[1].trimmingCharacters(in: [" ", "\"", "'"])
            }
        }
        return nil
    }

    /// `bytes` as UTF-8 XML, following the rules above; `httpCharset` is the header's charset.
    static func utf8XML(_ bytes: [UInt8], httpCharset: String?) -> [UInt8] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return bytes }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return bytes }
        let declaration = declaredEncoding(bytes)
        let declared = declaration.flatMap { charset(named: String(decoding: bytes[$0], as: UTF8.self)) }
        if declaration != nil && declared == nil && httpCharset.flatMap(charset(named:)) == nil {
            return bytes
        }
        let valid = bytes.withUnsafeBufferPointer(UTF8Validation.isValid)
        let labelled = httpCharset.flatMap(charset(named:)) ?? declared
        var chosen = labelled ?? .utf8
        if chosen != .utf8, declared == .utf8, valid { chosen = .utf8 }
        if chosen == .utf8, !valid {
            if labelled == .utf8 { return Array(String(decoding: bytes, as: UTF8.self).utf8) }
            chosen = .windows1252
        }
        guard chosen != .utf8 else { return bytes }
        return Windows1252.utf8XML(bytes)
    }

    /// Where the value of `encoding="…"` lies in the XML declaration, if there is one.
    static func declaredEncoding(_ bytes: [UInt8]) -> Range<Int>? {
        guard bytes.hasPrefix("<?xml", at: 0), let end = bytes.index(after: "?>", from: 0) else { return nil }
        guard let key = bytes[..<end].firstRange(of: Array("encoding".utf8)) else { return nil }
        var index = key.upperBound
        while index < end, bytes[index].isXMLSpace || bytes[index] == UInt8(ascii: "=") { index += 1 }
        guard index < end, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { return nil }
        let quote = bytes[index]
        let start = index + 1
        guard let close = bytes[start..<end].firstIndex(of: quote) else { return nil }
        return start..<close
    }
}
