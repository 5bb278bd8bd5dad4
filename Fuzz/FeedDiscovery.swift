import ReaderFeeds

/// Finding the feeds an HTML page links to (`reader feeds add` given a web page). The first
/// line of the input is the page's URL.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parts = FuzzInput.parts(FuzzInput.bytes(data, size), separator: 0x0A, count: 2)
    let page = String(decoding: parts[0], as: UTF8.self)
    let found = FeedDiscovery.feeds(inHTML: Array(parts[1]), pageURL: page.isEmpty ? "https://fuzz.example/" : page)
    if Set(found.map(\.url)).count != found.count { violated("a feed is listed twice: \(found)") }
    return 0
}
