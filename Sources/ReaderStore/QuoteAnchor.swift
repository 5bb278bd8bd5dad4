import Foundation
import ReaderModels

/// Finds a quoted passage in an article's text and builds its TextQuoteSelector.
enum QuoteAnchor {
    /// The selector for `quote` in `text`: the passage as the text has it, with up to
    /// `TextQuoteSelector.contextLength` characters either side. The passage matches exactly,
    /// or else ignoring case and differences in white space; nil when it is not there.
    static func find(_ quote: String, in text: String) -> TextQuoteSelector? {
        guard let range = text.range(of: quote) ?? looseRange(of: quote, in: text) else { return nil }
        let before = text[..<range.lowerBound].suffix(TextQuoteSelector.contextLength)
        let after = text[range.upperBound...].prefix(TextQuoteSelector.contextLength)
        return TextQuoteSelector(exact: String(text[range]), prefix: String(before), suffix: String(after))
    }

    /// Finds a stored selector again in a changed text. Where the passage occurs more than
    /// once, the occurrence whose surroundings best match the stored prefix and suffix wins;
    /// nil when the passage is gone.
    static func refind(_ selector: TextQuoteSelector, in text: String) -> TextQuoteSelector? {
        var best: (range: Range<String.Index>, score: Int)?
        var searchStart = text.startIndex
        while let range = text.range(of: selector.exact, range: searchStart ..< text.endIndex) {
            let before = text[..<range.lowerBound].suffix(TextQuoteSelector.contextLength)
            let after = text[range.upperBound...].prefix(TextQuoteSelector.contextLength)
            let score = commonSuffix(before, selector.prefix) + commonPrefix(after, selector.suffix)
            if best == nil || score > best?.score ?? 0 { best = (range, score) }
            searchStart = text.index(after: range.lowerBound)
        }
        guard let range = best?.range else { return find(selector.exact, in: text) }
        let before = text[..<range.lowerBound].suffix(TextQuoteSelector.contextLength)
        let after = text[range.upperBound...].prefix(TextQuoteSelector.contextLength)
        return TextQuoteSelector(exact: String(text[range]), prefix: String(before), suffix: String(after))
    }

    private static func commonPrefix(_ a: Substring, _ b: String) -> Int {
        zip(a, b).prefix { $0 == $1 }.count
    }

    private static func commonSuffix(_ a: Substring, _ b: String) -> Int {
        zip(a.reversed(), b.reversed()).prefix { $0 == $1 }.count
    }

    private static func looseRange(of quote: String, in text: String) -> Range<String.Index>? {
        let words = quote.split(whereSeparator: \.isWhitespace).map { NSRegularExpression.escapedPattern(for: String($0)) }
        guard !words.isEmpty else { return nil }
        return text.range(of: words.joined(separator: "\\s+"), options: [.regularExpression, .caseInsensitive])
    }
}
