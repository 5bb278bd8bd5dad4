import Foundation
@testable import ReaderFeeds

/// JSON Feed 1.0 and 1.1 from memory: the scanner's two passes over the document and
/// `JSONDecoder` on each item it captures.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let reader = JSONFeedReader(data: Data(bytes: data, count: size), url: "https://fuzz.example/feed.json", sourceKey: nil)
    _ = try? reader.read { draft in
        _ = (draft.id, draft.contentHash, draft.source.id)
    }
    return 0
}
