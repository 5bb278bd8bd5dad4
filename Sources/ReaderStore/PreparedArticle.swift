import Foundation
import ReaderModels

/// An article draft with what writing it needs worked out beforehand, off the store's one
/// writer: its id and content hash (SHA-256 over its fields), its link checked, and whether
/// `articles.text` must hold its text (`ArticleText.stored`, which sanitises the HTML once
/// more). A refresh prepares a feed's drafts in the task that fetched and parsed it, while
/// the writer writes the feeds before it; the writer then only looks the article up and
/// writes it.
package struct PreparedArticle: Sendable {
    /// The draft as the importer made it.
    package let draft: ArticleDraft
    /// `draft.id`.
    package let id: String
    /// `draft.contentHash`.
    package let contentHash: String
    /// `draft.url`, or nil when no `URL` can hold it (the writer keeps no such link).
    package let url: String?
    /// What `articles.text` holds for it.
    package let text: ArticleText.Column

    /// Works out what writing `draft` needs.
    package init(_ draft: ArticleDraft) {
        self.draft = draft
        id = draft.id
        contentHash = draft.contentHash
        url = draft.url.flatMap { URL(string: $0) == nil ? nil : $0 }
        text = ArticleText.stored(draft.text, html: draft.html) == nil ? .derived : .stored
    }
}
