import Foundation
import GRDB
import ReaderFeeds
import ReaderModels

extension ReaderStore {
    /// Imports an RSS, Atom, JSON Feed or plain-text bundle file, streaming it.
    ///
    /// A malformed file throws `FeedImportError` and leaves the database as it was.
    /// Importing the same file again changes nothing; an article whose content changed is
    /// updated in place, keeping its state and notes. Entries with nothing to show are left
    /// out and counted in the report's `skipped`, and a report that stores nothing says why
    /// (`ImportReport.nothingStored`).
    ///
    /// A file of up to 64 MiB is one transaction. A larger one is read through once
    /// before anything is written, so that a malformed file still changes nothing, and is
    /// then written in transactions of 2,000 articles, each told to the observers as it
    /// commits: memory and the write-ahead log stay the same size for a file of any size.
    /// Should the writing stop partway (a full disk, a killed process, a file changed
    /// between the two readings), the parts written stay, and importing the file again
    /// completes it.
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
        try importFile(at: path, format: format, baseURL: baseURL, parts: .standard)
    }

    /// `importFile(at:format:baseURL:)` with the sizes that decide the parts given.
    func importFile(at path: String, format: FeedFormat?, baseURL: String?, parts: ImportParts) throws -> ImportReport {
        if parts.splits(path) {
            do {
                return try pool.writeWithoutTransaction { db in
                    try importing(path, format: format, baseURL: baseURL, in: parts, db) { notify($0, origin: .import) }
                }
            } catch {
                throw StoreError.wrap(error, path: self.path)
            }
        }
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
        return (report(path, result, writer), writer.change)
    }

    /// `importFile(at:format:baseURL:)` for a file past `parts.fileBytes`: read through
    /// once without writing, then written in transactions of `parts.articles`, each change
    /// handed to `notify` once its part is committed. Runs outside any transaction on the
    /// writer connection, which it holds throughout.
    func importing(
        _ path: String, format: FeedFormat?, baseURL: String?, in parts: ImportParts, _ db: Database,
        notify: (StoreChange) -> Void
    ) throws -> ImportReport {
        // The first reading finds a malformed file before anything is written.
        let checked = try FeedFile.read(path: path, format: format, baseURL: baseURL) { _ in }
        try db.beginTransaction(.immediate)
        var writer = try ArticleWriter(db: db, now: nowText())
        var inPart = 0
        var changesBefore = db.totalChangesCount
        func commit() throws {
            // As `write` does: a part that changed nothing (a file imported again) wakes
            // no observation of the tables SQLite does not report.
            if db.totalChangesCount != changesBefore { try Self.reportUnreportedTables(db) }
            try db.commit()
            changesBefore = db.totalChangesCount
            notify(writer.takeChange())
        }
        do {
            let result = try FeedFile.read(path: path, format: checked.format, baseURL: baseURL) { draft in
                try writer.save(draft)
                inPart += 1
                guard inPart == parts.articles else { return }
                try commit()
                try db.beginTransaction(.immediate)
                try writer.beginPart()
                inPart = 0
            }
            if let source = result.source { try writer.retitleSource(source) }
            try commit()
            return report(path, result, writer)
        } catch {
            if db.isInsideTransaction { try? db.rollback() }
            throw error
        }
    }

    private func report(_ path: String, _ result: FeedReadResult, _ writer: ArticleWriter) -> ImportReport {
        ImportReport(
            file: path, format: SourceKind(result.format),
            new: writer.new, updated: writer.updated, unchanged: writer.unchanged, duplicates: writer.duplicates,
            skipped: result.skipped
        )
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

/// When a file is imported in parts rather than in one transaction, and how large the parts
/// are (`ReaderStore.importFile(at:format:baseURL:)`).
struct ImportParts: Sendable {
    /// Files larger than this are imported in parts.
    var fileBytes: Int
    /// Articles per part.
    var articles: Int

    /// 64 MiB is some 17,000 articles of the 3.7 KB `reader-bench` generates: one
    /// transaction of that leaves a write-ahead log of about 110 MB and 250 KB of its index
    /// in memory, where a million articles in one transaction left a 6.5 GB log and 13 MB.
    /// A part of 2,000 articles is about 13 MB of pages, within the checkpoint's 32 MB.
    static let standard = ImportParts(fileBytes: 64 << 20, articles: 2_000)

    /// Whether the file at `path` is imported in parts; a file whose size cannot be read is
    /// not, and its reading reports why.
    func splits(_ path: String) -> Bool {
        guard let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber else { return false }
        return size.intValue > fileBytes
    }
}
