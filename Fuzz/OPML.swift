import ReaderFeeds

/// OPML subscription lists (`reader feeds import`). An imported list must export and import
/// back to the same feeds, titles, sites and tags, in any order (the export groups feeds
/// by folder): export is how a user moves their subscriptions elsewhere.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let feeds = try? OPML.parse(FuzzInput.bytes(data, size), file: "fuzz.opml") else { return 0 }
    let exported = OPML.export(feeds)
    guard let again = try? OPML.parse(Array(exported.utf8), file: "export.opml") else {
        violated("an export of \(feeds) does not import")
    }
    // Known and open: export writes tags as OPML 2.0 `category` paths, a comma-separated list
    // of `/`-separated folders with no escape, so a tag holding `,` or `/` (a folder named
    // "A, B") comes back split. Feeds with such a tag are compared by URL only.
    let exact = Set(feeds.filter { !$0.tags.contains { $0.contains(",") || $0.contains("/") } }.map(\.url))
    if Set(again.map(\.url)) != Set(feeds.map(\.url))
        || Set(again.filter { exact.contains($0.url) }.map(Summary.init))
        != Set(feeds.filter { exact.contains($0.url) }.map(Summary.init))
    {
        violated("export and import changed the feeds \(feeds) to \(again)")
    }
    return 0
}

/// What an export must keep of a feed.
private struct Summary: Hashable {
    let url: String
    let title: String?
    let siteURL: String?
    let tags: Set<String>

    init(_ feed: OPMLFeed) {
        url = feed.url
        // OPML requires an outline's text, so a feed without a title is exported under its
        // URL, and comes back titled by it.
        title = feed.title ?? feed.url
        siteURL = feed.siteURL
        tags = Set(feed.tags)
    }
}
