import ReaderFeeds

/// OPML subscription lists (`reader feeds import`). An imported list must export and import
/// back to the same feeds: export is how a user moves their subscriptions elsewhere.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let feeds = try? OPML.parse(FuzzInput.bytes(data, size), file: "fuzz.opml") else { return 0 }
    let exported = OPML.export(feeds)
    guard let again = try? OPML.parse(Array(exported.utf8), file: "export.opml") else {
        violated("an export of \(feeds) does not import")
    }
    if again.map(\.url) != feeds.map(\.url) { violated("export and import changed the feeds \(feeds) to \(again)") }
    return 0
}
