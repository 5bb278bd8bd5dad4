import Foundation

/// Builds a search result's snippet in Swift from the few rows a search keeps, rather than
/// with FTS5's `snippet()`, which would run the MATCH again for every row shown.
///
/// Words are compared the way the index's `unicode61 remove_diacritics 2` tokenizer does:
/// runs of letters and digits, without case or accents.
struct Snippet {
    /// Folded words to highlight, and folded prefixes (from `word*`).
    private let words: Set<String>
    private let prefixes: [String]
    private let wordLengths: Set<Int>

    init(_ query: SearchQuery) {
        var words: Set<String> = []
        var prefixes: [String] = []
        for term in query.clauses.joined() {
            let parts = Self.tokens(in: term.text).map { Self.fold(term.text[$0]) }
            guard let last = parts.last else { continue }
            words.formUnion(parts.dropLast())
            if term.prefix { prefixes.append(last) } else { words.insert(last) }
        }
        self.words = words
        self.prefixes = prefixes
        wordLengths = Set(words.map(\.utf8.count))
    }

    /// A window of about `length` words around the first match in the first field that has
    /// one, with the matches between `open` and `close`; `…` marks text left out. A lazy
    /// sequence of fields is read only as far as the first match (an article's text is
    /// derived from its HTML only when its title, author and summary hold none).
    func make<Fields: Sequence<String>>(_ fields: Fields, open: String, close: String, length: Int = 16) -> String {
        for field in fields where !field.isEmpty {
            // Tokens are read only as far as the window needs: most matches come early.
            var first: Int?
            let tokens = Self.tokens(in: field) { tokens in
                if first == nil, let last = tokens.last, matches(field[last]) { first = tokens.count - 1 }
                return first.map { tokens.count >= $0 + length } ?? false
            }
            guard let first else { continue }
            let start = max(0, min(first - 3, tokens.count - length))
            let end = min(tokens.count, start + length)
            let isEnd = end == tokens.count && tokens.last?.upperBound == Self.lastTokenEnd(field)
            return render(field, tokens[start..<end], isStart: start == 0, isEnd: isEnd, open: open, close: close)
        }
        // A match the folding here missed: show the start of the first field instead.
        guard let field = fields.first(where: { !$0.isEmpty }) else { return "" }
        let tokens = Self.tokens(in: field) { $0.count > length }
        let end = min(tokens.count, length)
        return render(field, tokens[0..<end], isStart: true, isEnd: tokens.count <= length, open: open, close: close)
    }

    private func matches(_ token: Substring) -> Bool {
        // Most tokens are ASCII words of a length no query word has: skip folding them.
        if prefixes.isEmpty, token.utf8.allSatisfy({ $0 < 0x80 }), !wordLengths.contains(token.utf8.count) { return false }
        let folded = Self.fold(token)
        return words.contains(folded) || prefixes.contains { folded.hasPrefix($0) }
    }

    private func render(
        _ text: String, _ window: ArraySlice<Range<String.Index>>, isStart: Bool, isEnd: Bool, open: String, close: String
    ) -> String {
        guard let firstToken = window.first else { return "" }
        var out = isStart ? String(text[..<firstToken.lowerBound]) : "…"
        var cursor = firstToken.lowerBound
        for token in window {
            out += text[cursor..<token.lowerBound]
            out += matches(text[token]) ? open + text[token] + close : String(text[token])
            cursor = token.upperBound
        }
        out += isEnd ? String(text[cursor...]) : "…"
        return out.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// The ranges of the runs of letters, digits and combining marks in `text`, read until
    /// `enough` says so (it sees the tokens so far after each new one).
    static func tokens(in text: String, until enough: ([Range<String.Index>]) -> Bool = { _ in false }) -> [Range<String.Index>] {
        var tokens: [Range<String.Index>] = []
        var start: String.Index?
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            if isWordScalar(scalars[index]) {
                if start == nil { start = index }
            } else if let begun = start {
                tokens.append(begun..<index)
                start = nil
                if enough(tokens) { return tokens }
            }
            index = scalars.index(after: index)
        }
        if let begun = start { tokens.append(begun..<text.endIndex) }
        return tokens
    }

    /// Where the last token of `text` ends: the end of the text less any trailing non-word characters.
    private static func lastTokenEnd(_ text: String) -> String.Index {
        var index = text.unicodeScalars.endIndex
        while index > text.unicodeScalars.startIndex {
            let before = text.unicodeScalars.index(before: index)
            if isWordScalar(text.unicodeScalars[before]) { return index }
            index = before
        }
        return index
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x30 && value <= 0x39) || (value | 0x20 >= 0x61 && value | 0x20 <= 0x7A)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// Lowercased and without accents; ASCII takes the fast path.
    static func fold(_ word: Substring) -> String {
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return word.lowercased() }
        return word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
