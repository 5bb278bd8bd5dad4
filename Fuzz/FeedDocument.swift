import ReaderFeeds

/// A fetched body of any kind, through the public entry point a refresh uses: sniffing,
/// the charset of a Content-Type header, then whichever parser the sniffing picked. The
/// first line of the input is the Content-Type, the rest the body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parts = FuzzInput.parts(FuzzInput.bytes(data, size), separator: 0x0A, count: 2)
    let contentType = String(decoding: parts[0], as: UTF8.self)
    let body = Array(parts[1])
    _ = FeedDocument.kind(of: body, contentType: contentType)
    _ = try? FeedDocument.parse(body, url: "https://fuzz.example/feed", contentType: contentType)
    return 0
}
