/// A file's lines, read through a fixed buffer so only one chunk and one line are held.
///
/// Lines end at `\n`; a `\r` before it is dropped, and so is a UTF-8 byte-order mark at the
/// start of the file.
struct LineReader {
    /// Longer lines are refused: a plain-text bundle has paragraphs, not megabytes, per line.
    static let maxLineLength = 4 << 20

    private let chunks: FileChunks
    private var buffer: [UInt8]
    private var carry: [UInt8] = []

    init(path: String) throws {
        chunks = try FileChunks(path: path)
        buffer = [UInt8](repeating: 0, count: FileChunks.chunkSize)
    }

    /// Calls `body` with each line's bytes and its 1-based number, in order.
    mutating func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var number = 0
        func deliver(_ line: UnsafeBufferPointer<UInt8>) throws {
            number += 1
            var line = line[...]
            if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            if line.last == 0x0D { line = line.dropLast() }
            try body(UnsafeBufferPointer(rebasing: line), number)
        }
        while true {
            let count = try chunks.read(into: &buffer)
            if count == 0 {
                if !carry.isEmpty { try carry.withUnsafeBufferPointer(deliver) }
                return
            }
            try buffer.withUnsafeBufferPointer { chunk in
                var start = 0
                while start < count {
                    var end = start
                    while end < count, chunk[end] != 0x0A { end += 1 }
                    guard end < count else {
                        carry.append(contentsOf: chunk[start..<count])
                        if carry.count > Self.maxLineLength {
                            throw FeedImportError(
                                file: chunks.file, line: number + 1,
                                reason: "line is longer than 4 MiB: this does not look like a plain-text file"
                            )
                        }
                        return
                    }
                    if carry.isEmpty {
                        try deliver(UnsafeBufferPointer(rebasing: chunk[start..<end]))
                    } else {
                        carry.append(contentsOf: chunk[start..<end])
                        try carry.withUnsafeBufferPointer(deliver)
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = end + 1
                }
            }
        }
    }
}
