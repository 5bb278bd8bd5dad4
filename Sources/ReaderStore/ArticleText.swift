import GRDB
import ReaderFeeds

/// An article's plain text is stored once: the sanitised HTML gives it back
/// (`HTMLText.sanitize(html).text`, which is how importers make it), so `articles.text` is
/// NULL for every article whose text is exactly that, and holds the text only where it is
/// something else (a server's record, a bundle whose text is not what its HTML reads as).
/// The bytes of every article body were stored twice before the `v8-text-once` migration.
///
/// SQL reads the text through `reader_article_text(html, text)`, a function every store
/// connection registers: the search index's content view and its triggers use it, so a
/// connection without it (the `sqlite3` shell) can read articles but not change them.
package enum ArticleText {
    /// The SQL function's name.
    static let functionName = "reader_article_text"

    /// `text` when stored, else what `html` reads as.
    static func text(html: String, stored text: String?) -> String {
        text ?? HTMLText.sanitize(html).text
    }

    /// What to store in `articles.text` for an article with this HTML and text: NULL when
    /// the HTML gives the text back exactly.
    static func stored(_ text: String, html: String) -> String? {
        HTMLText.sanitize(html).text == text ? nil : text
    }

    /// What `articles.text` holds for a row, when that was decided before the writer (a
    /// `PreparedArticle`): the writer then does not sanitise the HTML again to find out.
    package enum Column: Sendable, Hashable {
        /// Not decided yet: the writer compares the text with what the HTML reads as.
        case undecided
        /// NULL: the HTML gives the text back exactly.
        case derived
        /// The text itself: the HTML reads as something else.
        case stored

        /// The value for `articles.text`.
        func value(_ text: String, html: String) -> String? {
            switch self {
            case .undecided: ArticleText.stored(text, html: html)
            case .derived: nil
            case .stored: text
            }
        }
    }

    /// `reader_article_text(html, text)`: `text` when it is not NULL, else the text `html`
    /// reads as. Pure, so SQLite may use it in views and triggers.
    static let function = DatabaseFunction(functionName, argumentCount: 2, pure: true) { values in
        if let text = String.fromDatabaseValue(values[1]) { return text }
        return HTMLText.sanitize(String.fromDatabaseValue(values[0]) ?? "").text
    }

    /// The SQL expression for the text of the articles row aliased `table` (or unaliased).
    static func column(of table: String? = nil) -> String {
        let prefix = table.map { $0 + "." } ?? ""
        return "\(functionName)(\(prefix)html, \(prefix)text)"
    }
}

extension Row {
    /// The article text of a row that selected `html` and `text` from `articles`.
    func articleText() -> String {
        ArticleText.text(html: self["html"], stored: self["text"])
    }
}
