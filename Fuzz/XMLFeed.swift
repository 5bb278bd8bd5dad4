import Foundation
@testable import ReaderFeeds

/// RSS and Atom as they arrive over HTTP: the DOCTYPE check, the repair the parser reads
/// through, libxml2 behind XMLParser, and all the delegate does with what it is handed
/// (dates, links, `xml:base`, HTML content), up to the ids and content hashes the store
/// would key the articles by.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let document = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? XMLFeedParser.read(
        bytes: document, file: "fuzz.xml", documentURL: "https://fuzz.example/feeds/main.xml", sourceKey: nil
    ) { draft in
        _ = (draft.id, draft.contentHash, draft.source.id)
    }
    return 0
}
