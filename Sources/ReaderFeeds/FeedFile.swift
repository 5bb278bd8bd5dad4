import ReaderModels

/// Imports a feed or bundle file, one article at a time.
public enum FeedFile {
    /// Streams the file at `path`: calls `each` once per article, in file order, never
    /// holding the whole file in memory (at most one chunk of it and the article being read).
    ///
    /// - Parameters:
    ///   - format: The file's format; nil sniffs it with ``FeedFormat/detect(prefix:)``.
    ///     Passing `.rss` or `.atom` reads either, by the root element.
    ///   - each: Receives every article. An error it throws stops the import and propagates
    ///     unchanged.
    /// - Returns: The format that was read.
    /// - Throws: ``FeedImportError`` when the file is missing, unreadable or malformed. Articles
    ///   before the fault have already been handed to `each` by then.
    @discardableResult
    public static func read(
        path: String, format: FeedFormat? = nil, each: (ArticleDraft) throws -> Void
    ) throws -> FeedFormat {
        let format = try format ?? sniff(path)
        switch format {
        case .rss, .atom:
            return try XMLFeedParser.read(path: path, each: each)
        case .jsonFeed:
            try JSONFeedReader(path: path).read(each)
            return .jsonFeed
        case .bundle:
            try BundleReader(path: path).read(each)
            return .bundle
        }
    }

    private static func sniff(_ path: String) throws -> FeedFormat {
        let prefix = try FileChunks.prefix(of: path, count: FeedFormat.sniffLength)
        guard let format = FeedFormat.detect(prefix: prefix) else {
            throw FeedImportError(
                file: path, line: 1,
                reason: "starts with markup but is not RSS or Atom (no <rss>, <rdf:RDF> or <feed> root element)"
            )
        }
        return format
    }
}
