import Foundation
@testable import ReaderFeeds

/// Feed dates in all their broken forms (RFC 822 and RFC 3339 with named zones, missing
/// seconds, two-digit years). A date that parses is a real instant.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let date = FeedDate.parse(text), !date.timeIntervalSince1970.isFinite { violated("\(text) parsed to \(date)") }
    return 0
}
