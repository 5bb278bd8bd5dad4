import ReaderHTTP

/// Builds a response head from the header lines libcurl hands over one at a time.
/// Works on bytes: only names, values and the reason phrase become strings.
struct ResponseHeadParser {
    enum Step: Equatable {
        /// More lines are expected.
        case needMore
        /// The blank line ending a header block arrived.
        case complete
        /// The line cannot be part of an HTTP response head.
        case invalid(String)
    }

    private(set) var status = 0
    private(set) var reason = ""
    private(set) var version = ""
    private(set) var headers = HTTPHeaders()
    private var fields: [HTTPHeaders.Field] = []

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let colon = UInt8(ascii: ":")

    /// Feeds one line, CRLF included.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Step {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: bytes[..<end])
        if line.isEmpty {
            guard status != 0 else { return .invalid("empty header block") }
            headers = HTTPHeaders(fields)
            return .complete
        }
        if status == 0 || line.starts(with: "HTTP/".utf8) {
            return statusLine(line)
        }
        if line[0] == Self.space || line[0] == Self.tab {
            // An obsolete folded continuation of the previous field's value.
            guard !fields.isEmpty else { return .invalid("continuation line without a field") }
            fields[fields.count - 1].value += " " + Self.trimmed(line, 0, line.count)
            return .needMore
        }
        guard let colon = line.firstIndex(of: Self.colon) else { return .invalid("header line without a colon") }
        fields.append(HTTPHeaders.Field(
            name: Self.trimmed(line, 0, colon),
            value: Self.trimmed(line, colon + 1, line.count)
        ))
        return .needMore
    }

    /// Starts over after an interim (1xx) response.
    mutating func reset() {
        self = ResponseHeadParser()
    }

    /// `HTTP/1.1 200 OK` or `HTTP/2 200`.
    private mutating func statusLine(_ line: UnsafeRawBufferPointer) -> Step {
        guard line.starts(with: "HTTP/".utf8), let firstSpace = line.firstIndex(of: Self.space) else {
            return .invalid("bad status line")
        }
        var codeStart = firstSpace
        while codeStart < line.count, line[codeStart] == Self.space { codeStart += 1 }
        var codeEnd = codeStart
        var code = 0
        while codeEnd < line.count, (0x30...0x39).contains(line[codeEnd]), codeEnd - codeStart < 3 {
            code = code * 10 + Int(line[codeEnd] - 0x30)
            codeEnd += 1
        }
        guard codeEnd - codeStart == 3, codeEnd == line.count || line[codeEnd] == Self.space, code >= 100 else {
            return .invalid("bad status line")
        }
        version = Self.trimmed(line, 5, firstSpace)
        status = code
        reason = Self.trimmed(line, codeEnd, line.count)
        fields = []
        return .needMore
    }

    /// The bytes `start..<end` of `line` without surrounding spaces and tabs, as text.
    private static func trimmed(_ line: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> String {
        var start = start
        var end = end
        while start < end, line[start] == space || line[start] == tab { start += 1 }
        while end > start, line[end - 1] == space || line[end - 1] == tab { end -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }
}
