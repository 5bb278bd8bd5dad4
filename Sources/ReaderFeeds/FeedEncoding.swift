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
/// what such documents almost always are. ISO-8859-1 and windows-1252 are transcoded here (the
/// declaration rewritten to match), because libxml2 on Linux may lack windows-1252; any other
/// charset is left for libxml2 to decode from the declaration.
public enum FeedEncoding {
    /// The charsets transcoded here.
    enum Charset: Equatable {
        case utf8, latin1, windows1252
    }

    /// The charset named by an IANA name or a common alias; nil for any other.
    static func charset(named name: String) -> Charset? {
        switch name.lowercased().trimmingCharacters(in: [" ", "\"", "'"]) {
        case "utf-8", "utf8", "us-ascii", "ascii": .utf8
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1": .latin1
        case "windows-1252", "cp1252", "x-cp1252", "win-1252": .windows1252
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
        var output = transcode(bytes, from: chosen)
        if let range = declaredEncoding(output) {
            output.replaceSubrange(range, with: Array("UTF-8".utf8))
        }
        return output
    }

    /// ISO-8859-1 or windows-1252 bytes as UTF-8.
    static func transcode(_ bytes: [UInt8], from charset: Charset) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 {
                output.append(byte)
                continue
            }
            var scalar = UInt32(byte)
            if charset == .windows1252, (0x80...0x9F).contains(byte) {
                scalar = UInt32(windows1252High[Int(byte - 0x80)])
            }
            if scalar < 0x800 {
                output.append(UInt8(0xC0 | (scalar >> 6)))
                output.append(UInt8(0x80 | (scalar & 0x3F)))
            } else {
                output.append(UInt8(0xE0 | (scalar >> 12)))
                output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                output.append(UInt8(0x80 | (scalar & 0x3F)))
            }
        }
        return output
    }

    /// windows-1252's 0x80...0x9F; its five unassigned bytes map to the C1 controls as
    /// browsers do, except that those would be invalid in XML, so they become U+FFFD.
    private static let windows1252High: [UInt16] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

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
