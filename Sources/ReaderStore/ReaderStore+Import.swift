import Foundation
import GRDB
import ReaderFeeds
import ReaderModels

extension ReaderStore {
    /// Imports an RSS, Atom, JSON Feed or plain-text bundle file, streaming it.
    ///
    /// The whole file is one transaction: a malformed file throws `FeedImportError` and
    /// leaves the database as it was. Importing the same file again changes nothing; an
    /// article whose content changed is updated in place, keeping its state and notes.
    /// Entries with nothing to show are left out and counted in the report's `skipped`, and
    /// a report that stores nothing says why (`ImportReport.nothingStored`).
    ///
    /// Articles are content, not user data: they go into no outbox (the server is
    /// authoritative for content).
    ///
    /// - Parameters:
    ///   - path: the file to import.
    ///   - format: the file's format; nil to tell it from the file's content.
    ///   - baseURL: The URL the file was fetched from: relative links resolve against it,
    ///     and it keys the feed when the feed names no URL of its own.
    @discardableResult
    public func importFile(at path: String, format: FeedFormat? = nil, baseURL: String? = nil) throws -> ImportReport {
        let (report, change) = try write { db in try importing(path, format: format, baseURL: baseURL, db) }
        notify(change, origin: .import)
        return report
    }

    /// The transaction of `importFile(at:format:baseURL:)`, shared with its async form.
    func importing(_ path: String, format: FeedFormat?, baseURL: String?, _ db: Database) throws -> (ImportReport, StoreChange) {
        var writer = try ArticleWriter(db: db, now: nowText())
        let result = try FeedFile.read(path: path, format: format, baseURL: baseURL) { draft in try writer.save(draft) }
        // A channel title after the items names the source only once the file is read.
        if let source = result.source { try writer.retitleSource(source) }
        return (ImportReport(
            file: path, format: SourceKind(result.format),
            new: writer.new, updated: writer.updated, unchanged: writer.unchanged, duplicates: writer.duplicates,
            skipped: result.skipped
        ), writer.change)
    }

    /// Saves already-parsed articles in one transaction, as `importFile` does.
    @discardableResult
    public func importArticles(_ drafts: some Sequence<ArticleDraft>, label: String = "articles") throws -> ImportReport {
        let (report, change) = try write { db in try importing(drafts, label: label, db) }
        notify(change, origin: .import)
        return report
    }

    /// The transaction of `importArticles(_:label:)`, shared with its async form.
    func importing(_ drafts: some Sequence<ArticleDraft>, label: String, _ db: Database) throws -> (ImportReport, StoreChange) {
        var writer = try ArticleWriter(db: db, now: nowText())
        for draft in drafts { try writer.save(draft) }
        return (ImportReport(
            file: label, format: nil,
            new: writer.new, updated: writer.updated, unchanged: writer.unchanged, duplicates: writer.duplicates
        ), writer.change)
    }
}
