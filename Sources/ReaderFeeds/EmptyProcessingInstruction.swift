import Foundation

/// Finds a processing instruction without data, `<?name?>`, anywhere in a document.
///
/// libxml2 hands such an instruction to its SAX callback with a NULL data pointer, and
/// Foundation's XMLParser on Linux (swift-corelibs-foundation) calls `strlen` on it: the
/// process crashes, whatever the delegate does. Found by fuzzing (Fuzz/XMLFeed). A document
/// holding one is refused before the parser sees it; the bytes are matched even inside
/// comments and CDATA, where they would be harmless, which feeds have no reason to do.
///
/// A small state machine fed the document in pieces, so a file is checked through the same
/// fixed buffer it is read with, and a match may span two pieces. Control characters are
/// skipped, so `<?a\u{0}?>` is found as the parser will read it once repaired, and a UTF-16 or
/// UTF-32 file is checked on its raw bytes.
struct EmptyProcessingInstruction {
    private enum State {
        case text, open, question, name, close
    }

    private var state = State.text
    /// Whether `<?name?>` has been seen.
    private(set) var found = false

    static let reason = "the document holds a processing instruction without data (<?name?>), which crashes "
        + "the XML parser on Linux, so it is refused"

    /// Whether `bytes` holds one.
    static func isIn(_ bytes: some Sequence<UInt8>) -> Bool {
        var finder = EmptyProcessingInstruction()
        finder.scan(bytes)
        return finder.found
    }

    /// Whether the file at `path` holds one, read a chunk at a time.
    static func isIn(file path: String) throws -> Bool {
        let chunks = try FileChunks(path: path)
        var buffer = [UInt8](repeating: 0, count: FileChunks.chunkSize)
        var finder = EmptyProcessingInstruction()
        while !finder.found {
            let count = try chunks.read(into: &buffer)
            if count == 0 { break }
            finder.scan(buffer[..<count])
        }
        return finder.found
    }

    /// Reads the next piece of the document.
    mutating func scan(_ bytes: some Sequence<UInt8>) {
        // Through contiguous storage when there is one (Data, arrays): a generic iterator
        // costs several times the step itself.
        let scanned: Void? = bytes.withContiguousStorageIfAvailable { buffer in scan(buffer) }
        guard scanned == nil else { return }
        for byte in bytes where !found {
            step(byte)
        }
    }

    /// Only `<` leads out of plain text, so between instructions the bytes are skipped to the
    /// next `<` by `memchr` rather than stepped through one at a time.
    private mutating func scan(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress else { return }
        var index = 0
        while index < buffer.count, !found {
            if state == .text {
                guard let next = memchr(base + index, Int32(UInt8(ascii: "<")), buffer.count - index) else { return }
                index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(next))
            }
            step(base[index])
            index += 1
        }
    }

    private mutating func step(_ byte: UInt8) {
        if byte == UInt8(ascii: "<") {
            state = .open
            return
        }
        if state == .text { return }
        // Bytes the repair pass drops (C0 controls, NUL included) or that UTF-16 and UTF-32
        // put between ASCII characters (NUL) are not there by the time the parser reads.
        if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return }
        switch state {
        case .text:
            return
        case .open:
            state = byte == UInt8(ascii: "?") ? .question : .text
        case .question:
            state = Self.startsName(byte) ? .name : .text
        case .name:
            if byte == UInt8(ascii: "?") {
                state = .close
            } else if !Self.continuesName(byte) {
                state = .text
            }
        case .close:
            found = byte == UInt8(ascii: ">")
            state = .text
        }
    }

    private static func startsName(_ byte: UInt8) -> Bool {
        byte.isLetter || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    private static func continuesName(_ byte: UInt8) -> Bool {
        startsName(byte) || byte.isDigit || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}
