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
        try read(path: path, format: format, baseURL: nil, each: each).format
    }

    /// Streams the file at `path` as ``read(path:format:each:)`` does, and returns what the
    /// whole file said: its format, its source (titled by a channel title that comes after
    /// the items) and the entries left out, by reason.
    ///
    /// - Parameter baseURL: The URL the file was fetched from, when known: relative links
    ///   resolve against it, and it keys the feed's source when the feed names no URL of its
    ///   own, as a fetched feed's URL does.
    public static func read(
        path: String, format: FeedFormat? = nil, baseURL: String?, each: (ArticleDraft) throws -> Void
    ) throws -> FeedReadResult {
        let format = try format ?? sniff(path)
        if format == .jsonFeed || format == .bundle,
           let (encoding, _) = WideUnicode.detect(try FileChunks.prefix(of: path, count: 4)) {
            let what = format == .jsonFeed ? "a JSON Feed" : "a plain-text bundle"
            throw FeedImportError(
                file: path, line: 1,
                reason: "the file is \(what) in \(encoding.name), which is read only in UTF-8: save it as UTF-8"
            )
        }
        switch format {
        case .rss, .atom:
            return try XMLFeedParser.read(path: path, baseURL: baseURL, each: each)
        case .jsonFeed:
            var reader = JSONFeedReader(path: path)
            reader.documentURL = baseURL
            var source: SourceDraft?
            let result = try reader.read { draft in
                source = draft.source
                try each(draft)
            }
            return FeedReadResult(format: .jsonFeed, source: source, skipped: result.skipped)
        case .bundle:
            var source: SourceDraft?
            try BundleReader(path: path).read { draft in
                if source == nil { source = draft.source }
                try each(draft)
            }
            return FeedReadResult(format: .bundle, source: source)
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
