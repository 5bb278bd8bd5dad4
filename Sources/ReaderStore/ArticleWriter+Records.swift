import GRDB
import ReaderModels

extension ArticleWriter {
    /// Saves a source as the server publishes it.
    mutating func save(_ source: SourceRecord) throws {
        try saveSource(id: source.id, key: source.key, kind: source.kind, title: source.title,
                       siteURL: source.siteURL, feedURL: source.feedURL)
    }

    /// Saves an article as the server publishes it. Returns true when an article already
    /// stored got new content, so notes on it must be anchored again.
    @discardableResult
    mutating func save(_ record: ArticleRecord) throws -> Bool {
        try ensureSource(id: record.sourceID)
        return try saveRow(ArticleRow(
            id: record.id, sourceID: record.sourceID, guid: record.guid, url: record.url, title: record.title,
            author: record.author, published: record.publishedAt, updated: record.updatedAt, summary: record.summary,
            html: record.html, text: record.text, contentHash: record.contentHash, firstSeenAt: record.firstSeenAt
        )) == .updated
    }
}
