/// Turns what a person types into a search box into an FTS5 query that cannot fail to
/// parse: every word and phrase is quoted, so stray quotes, brackets, colons and operators
/// are text, not syntax.
///
/// Understood: words (all must match), `"exact phrases"` (an unclosed quote runs to the
/// end), `word*` for a prefix, `OR` between two terms, `-word` or `NOT word` to exclude,
/// and `title:word` / `author:word` to look in one field of articles. `AND` is what words
/// do anyway.
struct SearchQuery: Equatable, Sendable {
    /// Each clause is a set of alternatives; every clause must match.
    var clauses: [[Term]] = []
    var excluded: [Term] = []

    struct Term: Hashable {
        var text: String
        var prefix: Bool
        /// An article field to look in, from `title:` or `author:`.
        var column: String? = nil

        var fts: String { fts(expandedTo: nil) }

        /// The term in FTS5 syntax; a prefix given the `words` it starts becomes those words
        /// joined by OR.
        func fts(expandedTo words: [String]?) -> String {
            let column = column.map { "{\($0)} : " } ?? ""
            guard prefix, let words, !words.isEmpty else { return column + Self.quoted(text) + (prefix ? " *" : "") }
            return column + (words.count == 1 ? Self.quoted(words[0]) : "(" + words.map(Self.quoted).joined(separator: " OR ") + ")")
        }

        /// The number of FTS5 phrases `fts(expandedTo:)` makes of the term.
        func phraseCount(expandedTo words: [String]?) -> Int {
            guard prefix, let words, !words.isEmpty else { return 1 }
            return words.count
        }

        private static func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    /// The article fields a term may name.
    static let columns: Set<String> = ["title", "author"]

    /// True when a term names an article field, which notes do not have.
    var hasColumnFilter: Bool { (clauses.joined() + excluded).contains { $0.column != nil } }

    /// Parses `input`; throws when nothing searchable is left.
    init(_ input: String) throws {
        var pendingOr = false
        var negateNext = false
        for token in Self.tokens(input) {
            if !token.quoted, token.text == "OR" {
                pendingOr = !clauses.isEmpty
                continue
            }
            if !token.quoted, token.text == "AND" { continue }
            if !token.quoted, token.text == "NOT" {
                negateNext = true
                continue
            }
            var text = token.text
            var negated = negateNext
            negateNext = false
            if !token.quoted, text.hasPrefix("-") {
                negated = true
                text.removeFirst()
            }
            var column: String?
            if !token.quoted, let colon = text.firstIndex(of: ":"),
               Self.columns.contains(text[..<colon].lowercased()) {
                column = text[..<colon].lowercased()
                text = String(text[text.index(after: colon)...])
            }
            var prefix = false
            if !token.quoted, text.hasSuffix("*") {
                prefix = true
                while text.hasSuffix("*") { text.removeLast() }
            }
            // A term with no letter or digit would match nothing (the tokenizer drops it) and
            // an empty phrase is a syntax error: leave it out.
            guard text.unicodeScalars.contains(where: Self.isWordScalar) else {
                pendingOr = false
                continue
            }
            let term = Term(text: text, prefix: prefix, column: column)
            if negated {
                excluded.append(term)
            } else if pendingOr, !clauses.isEmpty {
                clauses[clauses.count - 1].append(term)
            } else {
                clauses.append([term])
            }
            pendingOr = false
        }
        guard !clauses.isEmpty else {
            throw StoreError.invalidSearch(
                excluded.isEmpty ? "the query has no words to search for" : "a query needs at least one word that is not excluded"
            )
        }
    }

    /// True when an article matches only by holding several words, or by holding one and
    /// not another: two clauses, a clause and an excluded term (`harbour -ferry`), or a term
    /// the tokenizer makes several words of (`"exact phrase"`, `e-mail`, but not `c++`).
    /// See `SearchPlan`.
    var needsSeveralWords: Bool {
        clauses.count + excluded.count > 1 || clauses.joined().contains { Self.wordCount($0.text) > 1 }
    }

    /// A letter or digit, which the index's tokenizer keeps; anything else separates words.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// How many words the tokenizer makes of `text`: its runs of letters and digits.
    static func wordCount(_ text: String) -> Int {
        text.unicodeScalars.split { !isWordScalar($0) }.count
    }

    /// One letter per phrase of `fts`, in its order: `p` for a prefix, `w` for a word or
    /// phrase (what `reader_rank` takes to weigh them, see `SearchRank`).
    var phraseKinds: String { phraseKinds(expanding: { _ in nil }) }

    /// `phraseKinds` for `fts(expanding:)`: the words a prefix was expanded into are a `p`
    /// and a `+` for each after the first, so the rank scores them as the one prefix.
    func phraseKinds(expanding words: (Term) -> [String]?) -> String {
        String((clauses.joined() + excluded).flatMap { term in
            (term.prefix ? "p" : "w") + String(repeating: "+", count: term.phraseCount(expandedTo: words(term)) - 1)
        })
    }

    /// The FTS5 MATCH expression.
    var fts: String { fts(expanding: { _ in nil }) }

    /// The FTS5 MATCH expression with each prefix term for which `words` gives a list
    /// replaced by those words (see `PrefixExpansion`).
    func fts(expanding words: (Term) -> [String]?) -> String {
        var expression = clauses.map { clause in
            clause.count == 1
                ? clause[0].fts(expandedTo: words(clause[0]))
                : "(" + clause.map { $0.fts(expandedTo: words($0)) }.joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
        for term in excluded { expression += " NOT " + term.fts(expandedTo: words(term)) }
        return expression
    }

    private struct Token {
        var text: String
        var quoted: Bool
    }

    private static func tokens(_ input: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var inQuote = false
        func flush(quoted: Bool) {
            if !current.isEmpty { tokens.append(Token(text: current, quoted: quoted)) }
            current = ""
        }
        for character in input {
            if character == "\"" {
                flush(quoted: inQuote)
                inQuote.toggle()
            } else if character.isWhitespace, !inQuote {
                flush(quoted: false)
            } else {
                current.append(character)
            }
        }
        flush(quoted: inQuote)
        return tokens
    }
}
