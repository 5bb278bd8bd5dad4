@testable import ReaderCurl

/// The response head libcurl hands over line by line: each line of the input is one call, as
/// libcurl makes them (CRLF included), and a complete head starts the next one, as after an
/// interim 1xx response.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var parser = ResponseHeadParser()
    var start = 0
    while start < input.count {
        var end = start
        while end < input.count, input[end] != 0x0A { end += 1 }
        end = min(end + 1, input.count)
        switch parser.consume(UnsafeRawBufferPointer(rebasing: input[start..<end])) {
        case .needMore:
            break
        case .complete:
            if !(100...999).contains(parser.status) { violated("a complete head with status \(parser.status)") }
            _ = parser.headers
            parser.reset()
        case .invalid:
            parser.reset()
        }
        start = end
    }
    return 0
}
