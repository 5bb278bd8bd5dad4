import Foundation

/// What importing one file did, on a device or on the server: counts by what happened to
/// each article, keyed by guid and content hash.
public struct ImportReport: Hashable, Sendable, Codable {
    /// The file imported.
    public var file: String
    /// The format it was read as (`rss`, `atom`, `json_feed`, `bundle`).
    public var format: String
    /// Articles not seen before.
    public var new: Int
    /// Articles already stored whose content changed: updated in place, never duplicated.
    public var updated: Int
    /// Articles already stored with the same content.
    public var unchanged: Int
    /// Entries skipped because an earlier entry of the same file had their guid: the first
    /// in document order wins, so importing the file again changes nothing.
    public var duplicates: Int

    /// Creates a report.
    public init(file: String, format: String, new: Int, updated: Int, unchanged: Int, duplicates: Int = 0) {
        self.file = file
        self.format = format
        self.new = new
        self.updated = updated
        self.unchanged = unchanged
        self.duplicates = duplicates
    }

    private enum CodingKeys: String, CodingKey {
        case file, format, new, updated, unchanged, duplicates
    }

    /// Decodes a report; one written before `duplicates` existed has none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        file = try container.decode(String.self, forKey: .file)
        format = try container.decode(String.self, forKey: .format)
        new = try container.decode(Int.self, forKey: .new)
        updated = try container.decode(Int.self, forKey: .updated)
        unchanged = try container.decode(Int.self, forKey: .unchanged)
        duplicates = try container.decodeIfPresent(Int.self, forKey: .duplicates) ?? 0
    }
}
