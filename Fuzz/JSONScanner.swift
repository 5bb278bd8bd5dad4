import Foundation
@testable import ReaderFeeds

/// The forward-only JSON scanner alone: skipping values one after another, and capturing
/// them. A captured value must be exactly the input's bytes it was skipped over, since
/// those bytes are what `JSONDecoder` is given for an item.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput.bytes(data, size)
    guard var scanner = try? JSONScanner(chunks: FileChunks(data: Data(input), file: "fuzz.json")) else { return 0 }
    var captures: [[UInt8]] = []
    while (try? scanner.peek()) ?? nil != nil {
        scanner.beginCapture()
        do { try scanner.skipValue() } catch { break }
        captures.append(scanner.endCapture())
        if (try? scanner.peek()) == 0x2C { scanner.advance() }
    }
    // Every capture is a run of the input, in order.
    var from = input.startIndex
    for capture in captures {
        guard !capture.isEmpty, let start = firstRange(of: capture, in: input, from: from) else {
            violated("a captured value is not a run of the input: \(capture)")
        }
        from = start + capture.count
    }
    return 0
}

private func firstRange(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
    guard needle.count <= haystack.count - from else { return nil }
    for start in from...(haystack.count - needle.count)
    where haystack[start..<start + needle.count].elementsEqual(needle) {
        return start
    }
    return nil
}
