/// Decodes windows-1252 into UTF-8 before the XML parser sees a document.
///
/// libxml2 decodes a declared windows-1252 through iconv, which crashes it on the five bytes
/// windows-1252 leaves unassigned (0x81, 0x8D, 0x8F, 0x90, 0x9D; found by fuzzing), and on a
/// byte above 0x7F under a US-ASCII declaration. So documents declared in any of these
/// single-byte encodings are decoded here, from a table, and their declaration made to say
/// UTF-8. US-ASCII and ISO-8859-1 are read as windows-1252, as browsers read them: a feed
/// declaring either almost always means windows-1252 (`Don\x92t` is `Don’t`). One byte is
/// one character, so a document can be decoded a chunk at a time with no state between
/// chunks.
enum Windows1252 {
    /// Whether the document starting with `prefix` declares an encoding read as
    /// windows-1252 (after any whitespace; a byte-order mark says UTF-8 instead).
    static func isDeclared(inPrefix prefix: [UInt8]) -> Bool {
        let start = prefix.firstIndex { !$0.isXMLSpace } ?? prefix.count
        let head = Array(prefix[start..<min(prefix.count, start + 1024)])
        guard let range = FeedEncoding.declaredEncoding(head) else { return false }
        return FeedEncoding.charset(named: String(decoding: head[range], as: UTF8.self)) == .windows1252
    }

    /// `bytes`, the start of a document or the whole of it, as UTF-8 whose XML declaration
    /// (if it has one, after any whitespace) says UTF-8.
    static func utf8XML(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        appendUTF8(of: bytes, to: &output)
        let start = output.firstIndex { !$0.isXMLSpace } ?? output.count
        if let range = FeedEncoding.declaredEncoding(Array(output[start...])) {
            output.replaceSubrange((range.lowerBound + start)..<(range.upperBound + start), with: Array("UTF-8".utf8))
        }
        return output
    }

    /// Appends `bytes`, in windows-1252, to `output` in UTF-8.
    static func appendUTF8(of bytes: some Collection<UInt8>, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + bytes.count + bytes.count / 8)
        utf8.withUnsafeBufferPointer { table in
            for byte in bytes {
                if byte < 0x80 {
                    output.append(byte)
                    continue
                }
                // Every byte past ASCII is a character of two or three bytes in UTF-8.
                let entry = table[Int(byte)]
                output.append(UInt8(truncatingIfNeeded: entry))
                output.append(UInt8(truncatingIfNeeded: entry >> 8))
                if entry >> 24 == 3 { output.append(UInt8(truncatingIfNeeded: entry >> 16)) }
            }
        }
    }

    /// For each byte, its character's UTF-8 bytes (first in the lowest byte) and their count
    /// in the top byte: a table, so a document costs one lookup per byte past ASCII.
    private static let utf8: [UInt32] = (0...255).map { byte -> UInt32 in
        let scalar = (0x80...0x9F).contains(byte) ? UInt32(high[byte - 0x80]) : UInt32(byte)
        if scalar < 0x80 { return 1 << 24 | scalar }
        if scalar < 0x800 { return 2 << 24 | (0x80 | scalar & 0x3F) << 8 | (0xC0 | scalar >> 6) }
        return 3 << 24 | (0x80 | scalar & 0x3F) << 16 | (0x80 | (scalar >> 6) & 0x3F) << 8 | (0xE0 | scalar >> 12)
    }

    /// windows-1252's 0x80...0x9F (above them it is ISO-8859-1). Browsers map the five
    /// unassigned bytes to the C1 controls of the same value; XML discourages those, and
    /// they are never text in a feed, so they become U+FFFD.
    private static let high: [UInt16] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]
}
