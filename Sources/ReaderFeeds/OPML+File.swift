extension OPML {
    /// The largest OPML file read: subscription lists are a few hundred KB at most, and the
    /// whole file is parsed in memory.
    public static let maxFileBytes = 16 << 20

    /// Reads and parses the OPML file at `path`.
    ///
    /// - Throws: ``FeedImportError`` when the file is missing, unreadable, not a regular file
    ///   (a folder, a device, a pipe), larger than ``maxFileBytes``, or not OPML.
    public static func read(path: String) throws -> [OPMLFeed] {
        try parse(FileChunks.contents(of: path, limit: maxFileBytes), file: path)
    }
}
