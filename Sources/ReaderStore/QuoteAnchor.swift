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

    private static func looseRange(of quote: String, in text: String) -> Range<String.Index>? {
        let words = quote.split(whereSeparator: \.isWhitespace).map { NSRegularExpression.escapedPattern(for: String($0)) }
        guard !words.isEmpty else { return nil }
        return text.range(of: words.joined(separator: "\\s+"), options: [.regularExpression, .caseInsensitive])
    }
}
