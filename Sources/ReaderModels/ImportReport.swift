import Foundation

/// What importing one file did, on a device or on the server: counts by what happened to
/// each article, keyed by guid and content hash.
public struct ImportReport: Hashable, Sendable, Codable {
    /// The file imported.
    public var file: String
    /// The format it was read as; nil for drafts saved as they are (`importArticles`),
    /// which may come from sources of any kind.
    public var format: SourceKind?
    /// Articles not seen before.
    public var new: Int
    /// Articles already stored whose content changed: updated in place, never duplicated.
    public var updated: Int
    /// Articles already stored with the same content.
    public var unchanged: Int
    /// Entries skipped because an earlier entry of the same file had their guid: the first
    /// in document order wins, so importing the file again changes nothing.
    public var duplicates: Int
    /// Entries left out because they could not be stored, grouped by why; the rest of the
    /// file is imported.
    public var skipped: [SkippedEntries]

    /// Creates a report.
    public init(
        file: String, format: SourceKind?, new: Int, updated: Int, unchanged: Int, duplicates: Int = 0,
        skipped: [SkippedEntries] = []
    ) {
        self.file = file
        self.format = format
        self.new = new
        self.updated = updated
        self.unchanged = unchanged
        self.duplicates = duplicates
        self.skipped = skipped
    }

    /// How many entries were left out for any reason in ``skipped``.
    public var skippedCount: Int { skipped.reduce(0) { $0 + $1.count } }

    /// Why the import stored no article, in words; nil when it stored some. An import never
    /// empties a feed silently: a file with entries that were all left out says so.
    public var nothingStored: String? {
        guard new + updated + unchanged == 0 else { return nil }
        guard let first = skipped.first else { return "the feed has no entries" }
        let noun = skippedCount == 1 ? "its one entry was" : "all \(skippedCount) of its entries were"
        return "\(noun) skipped (\(first.detail))"
    }

    private enum CodingKeys: String, CodingKey {
        case file, format, new, updated, unchanged, duplicates, skipped
        case nothingStored = "nothing_stored"
    }

    /// Decodes a report; one written before `duplicates` or `skipped` existed has none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        file = try container.decode(String.self, forKey: .file)
        format = try container.decodeIfPresent(SourceKind.self, forKey: .format)
        new = try container.decode(Int.self, forKey: .new)
        updated = try container.decode(Int.self, forKey: .updated)
        unchanged = try container.decode(Int.self, forKey: .unchanged)
        duplicates = try container.decodeIfPresent(Int.self, forKey: .duplicates) ?? 0
        skipped = try container.decodeIfPresent([SkippedEntries].self, forKey: .skipped) ?? []
    }

    /// Encodes the report with ``nothingStored`` beside the counts, for readers of the JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encodeIfPresent(format, forKey: .format)
        try container.encode(new, forKey: .new)
        try container.encode(updated, forKey: .updated)
        try container.encode(unchanged, forKey: .unchanged)
        try container.encode(duplicates, forKey: .duplicates)
        try container.encode(skipped, forKey: .skipped)
        try container.encodeIfPresent(nothingStored, forKey: .nothingStored)
    }
}

/// Entries of one file that the importer left out for the same reason: how many, and where
/// the first one is.
public struct SkippedEntries: Hashable, Sendable, Codable {
    /// Why entries are left out.
    public enum Reason: String, Hashable, Sendable, Codable {
        /// Nothing to show or open: no title, no text, no link (and no image with a date).
        case empty
        /// The entry could not be read: a JSON Feed item that is not an object, or has no
        /// usable `id`.
        case unreadable
    }

    /// Why these entries were left out.
    public var reason: Reason
    /// How many entries were left out for this reason.
    public var count: Int
    /// The line where the first of them begins, when the format has lines.
    public var firstLine: Int?
    /// What was wrong with the first of them, in words: `item has no title, text or link`.
    public var detail: String

    /// Creates a group of skipped entries.
    public init(reason: Reason, count: Int, firstLine: Int?, detail: String) {
        self.reason = reason
        self.count = count
        self.firstLine = firstLine
        self.detail = detail
    }

    private enum CodingKeys: String, CodingKey {
        case reason, count, detail
        case firstLine = "first_line"
    }
}
