/// The single pass behind ``HTMLText/sanitize(_:)``: a forgiving tokenizer over UTF-8 bytes
/// that writes the safe HTML and the plain text side by side.
struct HTMLSanitizer {
    /// What separates the next visible character from the text before it.
    private enum Break: Int, Comparable {
        case none, space, line, paragraph
        static func < (lhs: Break, rhs: Break) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private let input: UnsafeBufferPointer<UInt8>
    /// Where relative links point from, when it is known.
    private let baseURL: String?
    private var index = 0
    private(set) var html: [UInt8] = []
    private(set) var text: [UInt8] = []
    private var pending = Break.none
    /// Allowed elements whose end tag has not been written yet, innermost last.
    private var open: [String] = []
    private var preDepth = 0
    /// The dropped element being skipped and how deeply it is nested in itself.
    private var skipping: (name: String, depth: Int)?

    init(input: UnsafeBufferPointer<UInt8>, baseURL: String? = nil) {
        self.input = input
        self.baseURL = baseURL
        html.reserveCapacity(input.count)
        text.reserveCapacity(input.count)
    }

    mutating func run() {
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "<") {
                tag()
            } else if byte == UInt8(ascii: "&") {
                reference()
            } else {
                characters()
            }
        }
        while let name = open.popLast() { close(name) }
    }

    /// The bytes that read the same in the HTML and the text: past the space, but `<`, `&`,
    /// `>` and 0xC2 (which may start a no-break space). A table, so that a run costs one
    /// look-up a byte.
    private static let ordinary: [Bool] = (0...255).map { byte in
        byte > 0x20 && byte != 0x3C && byte != 0x26 && byte != 0x3E && byte != 0xC2
    }

    /// A run of ordinary bytes and single spaces between them, which reads the same in the
    /// HTML and the text; or else one whitespace, `>` or no-break space.
    private mutating func characters() {
        let start = index
        let input = self.input
        var end = start
        Self.ordinary.withUnsafeBufferPointer { ordinary in
            /// Takes an ordinary byte, or a space and the ordinary byte after it; false where
            /// the run ends.
            func step() -> Bool {
                if ordinary[Int(input[end])] {
                    end += 1
                } else if input[end] == 0x20, end > start, end + 1 < input.count, ordinary[Int(input[end + 1])] {
                    end += 2
                } else {
                    return false
                }
                return true
            }
            // Past the first byte the run is read eight bytes at a time, and a byte at a time
            // only where a word cannot vouch for the next byte.
            guard step() else { return }
            while end + 8 <= input.count {
                let stop = Self.firstStop(in: UnsafeRawPointer(input.baseAddress! + end).loadUnaligned(as: UInt64.self))
                end += stop
                if stop < 8, !step() { return }
            }
            while end < input.count, step() {}
        }
        index = end
        if index > start {
            let run = UnsafeBufferPointer(rebasing: input[start..<index])
            visible(html: run, text: run)
            return
        }
        let byte = input[index]
        index += 1
        switch byte {
        case 0x3E:
            visible(html: [0x26, 0x67, 0x74, 0x3B], text: [byte])
        case 0xC2 where index < input.count && input[index] == 0xA0:
            index += 1
            guard skipping == nil else { return }
            html.append(contentsOf: [0xC2, 0xA0])
            breakText(.space)
        case 0x20, 0x09, 0x0A, 0x0C, 0x0D:
            guard skipping == nil else { return }
            html.append(byte)
            breakText(byte == 0x0A && preDepth > 0 ? .line : .space)
        case 0xC2:
            visible(html: [byte], text: [byte])
        default:
            break  // other control characters have no place in text
        }
    }

    /// How many of the eight bytes in `word` (in memory order) certainly continue a run that
    /// the byte before them ends with an ordinary byte: up to the first byte that is not
    /// ordinary, but a space between two ordinary bytes. A space in the last place is not
    /// vouched for, since its right-hand neighbour is in the next word. 8 when all are.
    ///
    /// Each test sets the high bit of every byte it holds for, without carries between
    /// bytes, so one word takes some twenty instructions and no branch on the text.
    @inline(__always)
    static func firstStop(in word: UInt64) -> Int {
        let x = UInt64(littleEndian: word)
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        func equal(_ pattern: UInt64) -> UInt64 { ~(((pattern & low) &+ low) | pattern) & high }
        let belowBang = ~(((x & low) &+ 0x5F5F_5F5F_5F5F_5F5F) | x) & high  // 0x00...0x20
        let angle = equal((x & ~(0x02 &* ones)) ^ (0x3C &* ones))  // < and >
        let special = belowBang | angle | equal(x ^ (0x26 &* ones)) | equal(x ^ (0xC2 &* ones))
        let space = equal(x ^ (0x20 &* ones))
        let neighbour = (special << 8) | (special >> 8) | (high << 56)
        let stops = (special & ~space) | (space & neighbour)
        return stops.trailingZeroBitCount >> 3
    }

    /// A character reference, or a literal `&` when it is not one.
    private mutating func reference() {
        guard let (scalar, end) = HTMLEntities.decode(input, at: index) else {
            index += 1
            visible(html: [0x26, 0x61, 0x6D, 0x70, 0x3B], text: [0x26])
            return
        }
        index = end
        var bytes: [UInt8] = []
        bytes.append(contentsOf: String(Character(scalar)).utf8)
        if scalar == " " || scalar == "\u{A0}" || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            whitespace(html: bytes, newline: scalar == "\n")
        } else {
            var escaped: [UInt8] = []
            for byte in bytes { escaped.appendEscaped(byte) }
            visible(html: escaped, text: bytes)
        }
    }

    private mutating func visible(html htmlBytes: some Collection<UInt8>, text textBytes: some Collection<UInt8>) {
        guard skipping == nil else { return }
        html.append(contentsOf: htmlBytes)
        if !text.isEmpty {
            switch pending {
            case .none: break
            case .space: text.append(0x20)
            case .line: text.append(0x0A)
            case .paragraph: text.append(contentsOf: [0x0A, 0x0A])
            }
        }
        pending = .none
        text.append(contentsOf: textBytes)
    }

    private mutating func whitespace(html htmlBytes: [UInt8], newline: Bool) {
        guard skipping == nil else { return }
        html.append(contentsOf: htmlBytes)
        breakText(newline && preDepth > 0 ? .line : .space)
    }

    private mutating func breakText(_ kind: Break) {
        pending = max(pending, kind)
    }

    private mutating func tag() {
        let next = index + 1 < input.count ? input[index + 1] : 0
        if next.isLetter {
            startTag()
        } else if next == UInt8(ascii: "/") && index + 2 < input.count && input[index + 2].isLetter {
            endTag()
        } else if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") || next == UInt8(ascii: "/") {
            skipComment()
        } else {
            index += 1
            visible(html: [0x26, 0x6C, 0x74, 0x3B], text: [0x3C])
        }
    }

    /// Skips `<!-- … -->`, `<!…>`, `<?…>` and `</…>` that is not an end tag.
    private mutating func skipComment() {
        if input[index...].starts(with: [0x3C, 0x21, 0x2D, 0x2D]) {
            index += 4
            while index < input.count, !input[index...].starts(with: [0x2D, 0x2D, 0x3E]) { index += 1 }
            index = min(index + 3, input.count)
        } else {
            skipPast(UInt8(ascii: ">"))
        }
    }

    private mutating func skipPast(_ byte: UInt8) {
        while index < input.count, input[index] != byte { index += 1 }
        index = min(index + 1, input.count)
    }

    /// A lowercased tag or attribute name at the cursor.
    private mutating func name() -> String {
        let start = index
        while index < input.count {
            let byte = input[index]
            if byte.isXMLSpace || byte == 0x2F || byte == 0x3E || byte == 0x3D || byte == 0x0C { break }
            index += 1
        }
        var bytes = Array(input[start..<index])
        for position in bytes.indices where bytes[position] >= 0x41 && bytes[position] <= 0x5A {
            bytes[position] |= 0x20
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func startTag() {
        index += 1
        let name = name()
        guard let (attributes, selfClosing) = self.attributes() else {
            index = input.count  // a tag cut off by the end of the input is dropped
            return
        }
        if var skip = skipping {
            if name == skip.name && !selfClosing { skip.depth += 1 }
            skipping = skip
            return
        }
        let rule = HTMLPolicy.rule(for: name)
        if rule.contains(.rawText) {
            if !selfClosing { skipRawText(name) }
            return
        }
        if rule.contains(.dropped) {
            if !selfClosing { skipping = (name, 1) }
            return
        }
        if rule.contains(.block) { breakText(.paragraph) }
        if name == "br" { breakText(.line) }
        if name == "td" || name == "th" { breakText(.space) }
        guard rule.contains(.allowed) else { return }
        html.append(0x3C)
        html.append(contentsOf: name.utf8)
        var written: [String] = []
        for (attribute, value) in attributes where HTMLPolicy.keepsAttribute(attribute) && !written.contains(attribute) {
            var value = value
            if let url = value, HTMLPolicy.urlAttributes.contains(attribute) {
                // Checked again once resolved: a base URL the feed chose (`xml:base`) can
                // make a harmless relative link a `data:` or `javascript:` one.
                let absolute = resolved(url)
                guard HTMLPolicy.isSafeURL(url), HTMLPolicy.isSafeURL(absolute) else { continue }
                value = absolute
            } else if let list = value, attribute == "srcset" {
                // A list of image candidates: each URL resolved and checked like `src`.
                let candidates = resolvedSrcset(list)
                guard !candidates.isEmpty else { continue }
                value = candidates
            }
            written.append(attribute)
            html.append(0x20)
            html.append(contentsOf: attribute.utf8)
            if let value {
                html.append(contentsOf: [0x3D, 0x22])
                for byte in value { html.appendEscaped(byte) }
                html.append(0x22)
            }
        }
        html.append(0x3E)
        if rule.contains(.void) { return }
        if selfClosing {
            writeEndTag(name)
        } else {
            open.append(name)
            if name == "pre" { preDepth += 1 }
        }
    }

    /// The attributes up to the end of the tag, values decoded, and whether the tag ends in
    /// `/>`; nil when the input ends first.
    private mutating func attributes() -> ([(String, [UInt8]?)], Bool)? {
        var attributes: [(String, [UInt8]?)] = []
        while true {
            while index < input.count, input[index].isXMLSpace || input[index] == 0x0C { index += 1 }
            guard index < input.count else { return nil }
            switch input[index] {
            case 0x3E:
                index += 1
                return (attributes, false)
            case 0x2F:
                index += 1
                if index < input.count, input[index] == 0x3E {
                    index += 1
                    return (attributes, true)
                }
                continue
            default:
                break
            }
            var attribute = name()
            if attribute.isEmpty {  // a stray `=`
                index += 1
                attribute = "="
            }
            while index < input.count, input[index].isXMLSpace { index += 1 }
            guard index < input.count, input[index] == 0x3D else {
                attributes.append((attribute, nil))
                continue
            }
            index += 1
            while index < input.count, input[index].isXMLSpace { index += 1 }
            guard index < input.count else { return nil }
            let quote = input[index]
            let start: Int
            if quote == 0x22 || quote == 0x27 {
                index += 1
                start = index
                while index < input.count, input[index] != quote { index += 1 }
                guard index < input.count else { return nil }
            } else {
                start = index
                while index < input.count, !input[index].isXMLSpace, input[index] != 0x3E { index += 1 }
            }
            attributes.append((attribute, decodedValue(start..<index)))
            if index < input.count, input[index] == quote { index += 1 }
        }
    }

    /// A URL made absolute against the base URL, unless it already is or only names a
    /// fragment of the page.
    private func resolved(_ url: [UInt8]) -> [UInt8] {
        guard let baseURL, let first = url.first, first != UInt8(ascii: "#") else { return url }
        return Array(FeedLink.resolve(String(decoding: url, as: UTF8.self), against: baseURL).utf8)
    }

    /// A `srcset` (`a.jpg 1x, b.jpg 2x`) with each candidate's URL resolved and unsafe
    /// candidates dropped, written back as `URL descriptor, …`. Candidates are read as
    /// HTML's parser reads them: a URL runs to whitespace (commas ending it are separators),
    /// and its descriptor runs to the next comma outside parentheses.
    private func resolvedSrcset(_ list: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < list.count {
            while index < list.count, list[index].isXMLSpace || list[index] == 0x2C { index += 1 }
            guard index < list.count else { break }
            let start = index
            while index < list.count, !list[index].isXMLSpace { index += 1 }
            var url = Array(list[start..<index])
            var descriptor: [UInt8] = []
            if url.last == 0x2C {
                while url.last == 0x2C { url.removeLast() }
            } else {
                var depth = 0
                while index < list.count, depth > 0 || list[index] != 0x2C {
                    if list[index] == 0x28 { depth += 1 } else if list[index] == 0x29 { depth = max(0, depth - 1) }
                    descriptor.append(list[index])
                    index += 1
                }
            }
            let absolute = resolved(url)
            guard !url.isEmpty, HTMLPolicy.isSafeURL(url), HTMLPolicy.isSafeURL(absolute) else { continue }
            if !output.isEmpty { output += [0x2C, 0x20] }
            output += absolute
            let words = descriptor.split(whereSeparator: \.isXMLSpace)
            for word in words { output += [0x20] + word }
        }
        return output
    }

    /// An attribute value with its character references decoded.
    private func decodedValue(_ range: Range<Int>) -> [UInt8] {
        var value: [UInt8] = []
        value.reserveCapacity(range.count)
        var position = range.lowerBound
        while position < range.upperBound {
            if input[position] == 0x26, let (scalar, end) = HTMLEntities.decode(input, at: position), end <= range.upperBound {
                value.append(contentsOf: String(Character(scalar)).utf8)
                position = end
            } else {
                value.append(input[position])
                position += 1
            }
        }
        return value
    }

    private mutating func endTag() {
        index += 2
        let name = name()
        skipPast(UInt8(ascii: ">"))
        if var skip = skipping {
            if name == skip.name { skip.depth -= 1 }
            skipping = skip.depth == 0 ? nil : skip
            return
        }
        if HTMLPolicy.rule(for: name).contains(.block) { breakText(.paragraph) }
        guard let position = open.lastIndex(of: name) else { return }
        while open.count > position, let inner = open.popLast() { close(inner) }
    }

    /// Writes the end tag of an element taken off `open`.
    private mutating func close(_ name: String) {
        writeEndTag(name)
        if name == "pre" { preDepth -= 1 }
    }

    private mutating func writeEndTag(_ name: String) {
        html.append(contentsOf: [0x3C, 0x2F])
        html.append(contentsOf: name.utf8)
        html.append(0x3E)
    }

    /// Skips the content of a raw-text element and its end tag, or to the end of the input.
    private mutating func skipRawText(_ name: String) {
        let closing = [0x3C, 0x2F] + Array(name.utf8)
        while index < input.count {
            if input[index] == 0x3C, index + closing.count <= input.count,
               zip(input[index..<(index + closing.count)], closing).allSatisfy({ ($0 | 0x20) == ($1 | 0x20) }) {
                index += closing.count
                skipPast(UInt8(ascii: ">"))
                return
            }
            index += 1
        }
    }
}
