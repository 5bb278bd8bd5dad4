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
    }

    /// A window of about `length` words around the first match in the first field that has
    /// one, with the matches between `open` and `close`; `…` marks text left out.
    func make(_ fields: [String], open: String, close: String, length: Int = 16) -> String {
        for field in fields where !field.isEmpty {
            let tokens = Self.tokens(in: field)
            guard let first = tokens.firstIndex(where: { matches(field[$0]) }) else { continue }
            let start = max(0, min(first - 3, tokens.count - length))
            let end = min(tokens.count, start + length)
            return render(field, tokens[start..<end], isStart: start == 0, isEnd: end == tokens.count, open: open, close: close)
        }
        // A match the folding here missed: show the start of the first field instead.
        guard let field = fields.first(where: { !$0.isEmpty }) else { return "" }
        let tokens = Self.tokens(in: field)
        let end = min(tokens.count, length)
        return render(field, tokens[0..<end], isStart: true, isEnd: end == tokens.count, open: open, close: close)
    }

    private func matches(_ token: Substring) -> Bool {
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

    /// The ranges of the runs of letters and digits in `text`.
    static func tokens(in text: String) -> [Range<String.Index>] {
        var tokens: [Range<String.Index>] = []
        var start: String.Index?
        var index = text.startIndex
        for character in text {
            let next = text.index(after: index)
            if character.isLetter || character.isNumber {
                if start == nil { start = index }
            } else if let begun = start {
                tokens.append(begun..<index)
                start = nil
            }
            index = next
        }
        if let begun = start { tokens.append(begun..<text.endIndex) }
        return tokens
    }

    /// Lowercased and without accents; ASCII takes the fast path.
    static func fold(_ word: Substring) -> String {
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return word.lowercased() }
        return word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
