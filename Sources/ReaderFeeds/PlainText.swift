/// Small text clean-ups shared by the importers, so that the same input always gives the
/// same draft (and so the same content hash).
enum PlainText {
    /// `text` trimmed, with every run of whitespace (line breaks and no-break spaces
    /// included) made one space.
    static func collapsed(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var pendingSpace = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                    pendingSpace = true
                } else if byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0 {
                    pendingSpace = true
                    index += 1
                } else if byte < 0x20 {
                    // Another control character (a JSON feed can spell U+0000 as \u0000): no
                    // text, and a PostgreSQL text column refuses NUL outright.
                } else {
                    if pendingSpace && !result.isEmpty { result.append(0x20) }
                    pendingSpace = false
                    result.append(byte)
                }
                index += 1
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// Plain text split at blank lines into paragraphs, each collapsed to one line.
    static func paragraphs(_ text: String) -> [String] {
        var paragraphs: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { paragraphs.append(collapsed(current.joined(separator: " "))) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { paragraphs.append(collapsed(current.joined(separator: " "))) }
        return paragraphs.filter { !$0.isEmpty }
    }

    /// `text` cut to at most `limit` characters at a word boundary, with `…` when cut.
    static func shortened(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        let head = text.prefix(limit - 1)
        let cut = head.lastIndex(of: " ").map { head[..<$0] } ?? head
        return cut.trimmingTrailing { $0 == " " || $0 == "," || $0 == ";" || $0 == ":" } + "…"
    }

    /// A title for an entry that has none: the start of its first paragraph.
    static func title(fromText text: String) -> String {
        let firstParagraph = text.prefix { $0 != "\n" }
        return shortened(collapsed(String(firstParagraph)), limit: 80)
    }

    /// The longest summary kept: about two sentences.
    static let summaryLimit = 300
}

extension Substring {
    fileprivate func trimmingTrailing(while predicate: (Character) -> Bool) -> String {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return String(self[..<end])
    }
}
