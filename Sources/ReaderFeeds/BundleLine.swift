/// One line of a plain-text bundle, trimmed, with runs of spaces and tabs made one space,
/// and classified.
enum BundleLine: Equatable {
    case blank
    /// `By NAME`, in any case: short, and not ending in a full stop, so that a body sentence
    /// such as "By the end of March, prices had doubled." is not one.
    case byline(name: String, line: String)
    /// `Source: NAME`, in any case, under the same conditions as a byline.
    case source(name: String, line: String)
    case text(String)

    /// Marker lines are at most this many characters.
    static let maxMarkerLength = 120

    /// Classifies the bytes of a line; nil when they are not valid UTF-8.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start].isLineSpace { start += 1 }
        while end > start, bytes[end - 1].isLineSpace { end -= 1 }
        guard start < end else {
            self = .blank
            return
        }
        let trimmed = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard UTF8Validation.isValid(trimmed) else { return nil }
        let text = Self.collapsed(trimmed)
        self = Self.marker(text) ?? .text(text)
    }

    /// The text of a trimmed line with each run of spaces and tabs made one space.
    private static func collapsed(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var needsWork = false
        for index in bytes.indices where bytes[index].isLineSpace {
            if bytes[index] != 0x20 || bytes[index + 1].isLineSpace {  // never the last byte: trimmed
                needsWork = true
                break
            }
        }
        guard needsWork else { return String(decoding: bytes, as: UTF8.self) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte.isLineSpace {
                if result.last != 0x20 { result.append(0x20) }
            } else {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static func marker(_ text: String) -> BundleLine? {
        guard let first = text.utf8.first, first | 0x20 == UInt8(ascii: "b") || first | 0x20 == UInt8(ascii: "s"),
              text.utf8.count <= maxMarkerLength * 4
        else { return nil }
        let marker: BundleLine
        if let name = text.dropPrefix(caseInsensitive: "by "), !name.isEmpty {
            marker = .byline(name: name, line: text)
        } else if let rest = text.dropPrefix(caseInsensitive: "source:") {
            let name = rest.hasPrefix(" ") ? String(rest.dropFirst()) : rest
            guard !name.isEmpty else { return nil }
            marker = .source(name: name, line: text)
        } else {
            return nil
        }
        return text.count <= maxMarkerLength && !endsWithFullStop(text) ? marker : nil
    }

    /// Whether `text` ends with a full stop (`.` or `…`), perhaps followed by closing quotes
    /// or brackets.
    static func endsWithFullStop(_ text: String) -> Bool {
        var scalars = text.unicodeScalars[...]
        while let last = scalars.last, closers.contains(last) { scalars = scalars.dropLast() }
        return scalars.last == "." || scalars.last == "…"
    }

    private static let closers: Set<Unicode.Scalar> = ["\"", "'", "”", "’", "»", "›", ")", "]"]
}

extension UInt8 {
    /// Whitespace within a line: space, tab, carriage return, form feed, vertical tab.
    fileprivate var isLineSpace: Bool {
        self == 0x20 || self == 0x09 || self == 0x0D || self == 0x0C || self == 0x0B
    }
}

extension String {
    /// The rest of the string after `prefix`, compared ignoring ASCII case; nil when it does
    /// not start that way.
    fileprivate func dropPrefix(caseInsensitive prefix: String) -> String? {
        guard utf8.count >= prefix.utf8.count,
              zip(utf8, prefix.utf8).allSatisfy({ $0 == $1 || ($0 | 0x20 == $1 && $1.isLetter) })
        else { return nil }
        return String(decoding: utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }
}
