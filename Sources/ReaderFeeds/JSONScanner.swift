import Foundation

/// A forward-only reader over a JSON document's bytes that checks its structure and skips or
/// captures values without decoding them, so a large JSON Feed can be walked through a fixed
/// buffer and its items handed to `JSONDecoder` one at a time.
///
/// Line numbers come from the line feeds between tokens (JSON strings cannot hold raw ones).
struct JSONScanner {
    private let chunks: FileChunks
    private var buffer: [UInt8]
    private var end = 0
    private var index = 0
    /// The line of the cursor, from 1.
    private(set) var line = 1
    private var captured: [UInt8] = []
    private var captureStart: Int?

    /// Values nested deeper than this are refused rather than risking the stack.
    static let maxDepth = 512

    init(path: String) throws {
        try self.init(chunks: FileChunks(path: path))
    }

    init(chunks: FileChunks) throws {
        self.chunks = chunks
        buffer = [UInt8](repeating: 0, count: FileChunks.chunkSize)
        if try refill(), buffer[0..<min(3, end)].elementsEqual([0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    /// Reads the next chunk; false at the end of the file. Bytes being captured are kept.
    private mutating func refill() throws -> Bool {
        if let start = captureStart {
            captured.append(contentsOf: buffer[start..<end])
            captureStart = 0
        }
        end = try chunks.read(into: &buffer)
        index = 0
        return end > 0
    }

    /// The next byte that is not whitespace, left unread; nil at the end of the file.
    mutating func peek() throws -> UInt8? {
        while true {
            if index == end { guard try refill() else { return nil } }
            switch buffer[index] {
            case 0x0A: line += 1; index += 1
            case 0x20, 0x09, 0x0D: index += 1
            case let byte: return byte
            }
        }
    }

    /// Consumes `byte`, which must come next after whitespace.
    mutating func expect(_ byte: UInt8, _ context: @autoclosure () -> String) throws {
        guard let next = try peek() else { throw endOfFile() }
        guard next == byte else { throw unexpected(next, context()) }
        index += 1
    }

    /// Consumes the byte `peek` returned.
    mutating func advance() {
        index += 1
    }

    /// A string's raw bytes between its quotes, escapes left as they are. Not for use while
    /// capturing, which it would reset.
    mutating func string(_ context: @autoclosure () -> String) throws -> [UInt8] {
        guard let next = try peek() else { throw endOfFile() }
        guard next == 0x22 else { throw unexpected(next, context()) }
        beginCapture()
        try skipString()
        var bytes = endCapture()
        bytes.removeFirst()
        bytes.removeLast()
        return bytes
    }

    /// Skips one value of any kind, checking that its brackets and strings are well formed.
    mutating func skipValue(depth: Int = 0) throws {
        guard depth < Self.maxDepth else { throw failure("values are nested too deeply") }
        guard let next = try peek() else { throw endOfFile() }
        switch next {
        case 0x22: try skipString()
        case 0x7B: index += 1; try skipMembers(depth: depth)
        case 0x5B: index += 1; try skipElements(depth: depth)
        case 0x2D, 0x30...0x39: try skipWord { $0.isDigit || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 | 0x20 == 0x65 }
        case 0x74, 0x66, 0x6E:
            let word = try skipWord { $0.isLetter }
            guard word == Array("true".utf8) || word == Array("false".utf8) || word == Array("null".utf8) else {
                throw failure("unexpected word \"\(String(decoding: word, as: UTF8.self))\" where a value should be")
            }
        default: throw unexpected(next, "where a value should be")
        }
    }

    private mutating func skipMembers(depth: Int) throws {
        if try peek() == 0x7D { index += 1; return }
        while true {
            guard let quote = try peek() else { throw endOfFile() }
            guard quote == 0x22 else { throw unexpected(quote, "where a key in quotes should be") }
            try skipString()
            try expect(0x3A, "after a key, where ':' should be")
            try skipValue(depth: depth + 1)
            guard let next = try peek() else { throw endOfFile() }
            index += 1
            if next == 0x7D { return }
            guard next == 0x2C else { index -= 1; throw unexpected(next, "where ',' or '}' should be") }
        }
    }

    private mutating func skipElements(depth: Int) throws {
        if try peek() == 0x5D { index += 1; return }
        while true {
            try skipValue(depth: depth + 1)
            guard let next = try peek() else { throw endOfFile() }
            index += 1
            if next == 0x5D { return }
            guard next == 0x2C else { index -= 1; throw unexpected(next, "where ',' or ']' should be") }
        }
    }

    /// Skips a string whose opening quote is at the cursor.
    private mutating func skipString() throws {
        index += 1
        while true {
            // The common case, a run of plain bytes, without per-byte bounds checks.
            index = buffer.withUnsafeBufferPointer { bytes in
                var position = index
                while position < end {
                    let byte = bytes[position]
                    if byte == 0x22 || byte == 0x5C || byte < 0x20 { break }
                    position += 1
                }
                return position
            }
            if index == end {
                guard try refill() else { throw endOfFile() }
                continue
            }
            let byte = buffer[index]
            index += 1
            if byte == 0x22 { return }
            if byte < 0x20 {
                throw failure(byte == 0x0A ? "a string is not closed on its line" : "a control character inside a string")
            }
            if index == end { guard try refill() else { throw endOfFile() } }
            index += 1  // the escaped byte
        }
    }

    /// Skips the bytes that satisfy `isPart`, returning up to the first eight of them.
    @discardableResult
    private mutating func skipWord(_ isPart: (UInt8) -> Bool) throws -> [UInt8] {
        var word: [UInt8] = []
        while true {
            if index == end { guard try refill() else { return word } }
            let byte = buffer[index]
            guard isPart(byte) else { return word }
            if word.count < 8 { word.append(byte) }
            index += 1
        }
    }

    /// Starts keeping the bytes from the cursor on.
    mutating func beginCapture() {
        captured.removeAll(keepingCapacity: true)
        captureStart = index
    }

    /// The bytes from `beginCapture` to the cursor.
    mutating func endCapture() -> [UInt8] {
        if let start = captureStart { captured.append(contentsOf: buffer[start..<index]) }
        captureStart = nil
        return captured
    }

    func failure(_ reason: String) -> FeedImportError {
        FeedImportError(file: chunks.file, line: line, reason: reason)
    }

    func endOfFile() -> FeedImportError {
        failure("unexpected end of file: the JSON is cut short")
    }

    func unexpected(_ byte: UInt8, _ context: String) -> FeedImportError {
        let shown = byte >= 0x20 && byte < 0x7F
            ? "'\(Character(Unicode.Scalar(byte)))'"
            : "byte 0x" + String(byte, radix: 16, uppercase: true)
        return failure("unexpected \(shown) \(context)")
    }
}
