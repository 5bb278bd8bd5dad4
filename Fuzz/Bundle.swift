import Foundation
@testable import ReaderFeeds

/// A plain-text bundle read the way `reader import` reads one, from a file: lines through
/// the line reader, classified, and assembled into articles.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = BundleFile.path
    guard FileManager.default.createFile(atPath: file, contents: Data(bytes: data, count: size)) else {
        violated("cannot write \(file)")
    }
    try? BundleReader(path: file).read { draft in
        if draft.title.isEmpty { violated("an article without a title") }
        _ = (draft.id, draft.contentHash)
    }
    return 0
}

/// The one file this process rewrites for every input.
private enum BundleFile {
    static let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("reader-fuzz-bundle-\(ProcessInfo.processInfo.processIdentifier).txt").path
}
