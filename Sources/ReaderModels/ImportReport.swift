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

    public init(file: String, format: String, new: Int, updated: Int, unchanged: Int) {
        self.file = file
        self.format = format
        self.new = new
        self.updated = updated
        self.unchanged = unchanged
    }
}
