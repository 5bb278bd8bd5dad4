extension OPML {
    /// The largest OPML file read: subscription lists are a few hundred KB at most, and the
    /// whole file is parsed in memory.
    public static let maxFileBytes = 16 << 20

    /// Reads and parses the OPML file at `path`.
    ///
    /// - Parameter limit: the largest file read, ``maxFileBytes`` unless a test says less.
    /// - Throws: ``FeedImportError`` when the file is missing, unreadable, not a regular file
    ///   (a folder, a device, a pipe), larger than `limit`, or not OPML.
    public static func read(path: String, limit: Int = maxFileBytes) throws -> [OPMLFeed] {
        try parse(FileChunks.contents(of: path, limit: limit), file: path)
    }
}
