import ReaderModels

extension SourceKind {
    /// The kind of source a file of `format` is: the same four, named alike.
    public init(_ format: FeedFormat) {
        switch format {
        case .rss: self = .rss
        case .atom: self = .atom
        case .jsonFeed: self = .jsonFeed
        case .bundle: self = .bundle
        }
    }
}
