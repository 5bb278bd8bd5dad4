import Foundation

/// Repairs the small flaws real feeds carry, one chunk at a time, before the XML parser sees
/// them, so that one flaw does not cost the whole feed.
///
/// - An HTML named entity (`&nbsp;`, `&eacute;`) becomes the numeric reference of the one
///   character our own table (``HTMLEntities``) gives it: never a definition from the
///   document, so entity expansion stays impossible. An unknown name and a bare `&` become
///   `&amp;`, and read as the text they are.
/// - C0 control characters other than tab, line feed and carriage return (NUL included) are
///   dropped, and so are numeric references to them, which XML forbids.
/// - In a UTF-8 document, each invalid byte sequence becomes U+FFFD.
/// - Whitespace and byte-order marks before the first markup are dropped (a newline before
///   `<?xml` is fatal to the parser).
///
/// CDATA sections, comments and processing instructions keep their `&` as it is. A document
/// that is not ASCII-compatible (UTF-16, UTF-32) is passed through unchanged.
struct XMLRepair {
    /// How the bytes past ASCII are read.
    enum Mode { case utf8, otherASCIICompatible, passThrough }

    private enum Place { case text, cdata, comment, instruction }

    private let mode: Mode
    private var place = Place.text
    /// Whether the first markup has been seen (before it, whitespace and BOMs are dropped).
    private var started = false
    /// How many `]` (CDATA), `-` (comment) or `?` (instruction) ended the bytes so far.
    private var closing = 0
    private var carry: [UInt8] = []

    /// The longest entity name looked up; longer runs are plain text.
    private static let nameLimit = 32

    init(mode: Mode) {
        self.mode = mode
    }

    /// The mode for a document starting with `prefix`: UTF-8 when it declares UTF-8 or
    /// nothing, pass-through for UTF-16 and UTF-32 (a BOM, or a NUL in its first bytes).
    static func mode(forPrefix prefix: some Collection<UInt8>) -> Mode {
        let head = Array(prefix.prefix(1024))
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) || head.prefix(4).contains(0) {
            return .passThrough
        }
        let trimmed = Array(head.drop { $0.isXMLSpace || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF })
        guard let range = FeedEncoding.declaredEncoding(trimmed) else { return .utf8 }
        let name = String(decoding: trimmed[range], as: UTF8.self)
        return FeedEncoding.charset(named: name) == .utf8 ? .utf8 : .otherASCIICompatible
    }

    /// The whole of `bytes`, repaired.
    static func repaired(_ bytes: [UInt8]) -> [UInt8] {
        var repair = XMLRepair(mode: mode(forPrefix: bytes))
        return repair.process(bytes[...], final: true)
    }

    /// Repairs the next chunk. Bytes whose meaning depends on what follows are held back
    /// until the next call; `final` says there is none.
    mutating func process(_ chunk: ArraySlice<UInt8>, final: Bool) -> [UInt8] {
        if mode == .passThrough { return Array(chunk) }
        var input: [UInt8]
        if carry.isEmpty {
            input = Array(chunk)
        } else {
            input = carry
            input.append(contentsOf: chunk)
        }
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 16)
        let consumed = input.withUnsafeBufferPointer { run($0, final: final, into: &output) }
        carry = Array(input[consumed...])
        return output
    }

    /// Repairs `bytes` into `output`; returns how many bytes were consumed.
    private mutating func run(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool, into output: inout [UInt8]) -> Int {
        let count = bytes.count
        var index = 0
        if !started {
            while index < count, bytes[index].isXMLSpace || bytes[index] == 0xEF || bytes[index] == 0xBB
                    || bytes[index] == 0xBF {
                index += 1
            }
            if index == count { return final ? count : 0 }
            started = true
        }
        while index < count {
            // The plain run, copied in one go: up to a byte past ASCII, a control character,
            // or what markup means here. In text that is `&` and `<`. Inside a CDATA section,
            // comment or instruction it is the closing byte, and a `>` right after those bytes
            // (`inside` counts them): no run starts at such a `>`.
            let start = index
            if place == .text {
                while index < count {
                    let byte = bytes[index]
                    if byte &- 0x20 > 0x5F || byte == 0x26 || byte == 0x3C { break }
                    index += 1
                }
            } else if closing == 0 || bytes[index] != 0x3E {
                let closer = closingByte
                while index < count {
                    let byte = bytes[index]
                    if byte &- 0x20 > 0x5F || byte == closer { break }
                    index += 1
                }
            }
            if index > start {
                closing = 0
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            }
            guard index < count else { break }
            let byte = bytes[index]
            if byte >= 0x80 {
                guard let next = utf8(bytes, at: index, final: final, into: &output) else { return index }
                closing = 0
                index = next
            } else if byte < 0x20 {
                if byte == 0x09 || byte == 0x0A || byte == 0x0D { output.append(byte) }
                closing = 0
                index += 1
            } else if place != .text {
                index = inside(bytes, at: index, into: &output)
            } else if byte == 0x26 {
                guard let next = reference(bytes, at: index, final: final, into: &output) else { return index }
                index = next
            } else if byte == 0x3C {
                guard let next = markup(bytes, at: index, final: final, into: &output) else { return index }
                index = next
            } else {
                output.append(byte)
                index += 1
            }
        }
        return count
    }

    private var closingByte: UInt8 {
        switch place {
        case .cdata: 0x5D
        case .comment: 0x2D
        case .instruction: 0x3F
        case .text: 0
        }
    }

    /// A byte inside a CDATA section, comment or instruction: `]`, `-`, `?`, `>`, `&` or `<`.
    private mutating func inside(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, into output: inout [UInt8]) -> Int {
        let byte = bytes[index]
        output.append(byte)
        if byte == closingByte {
            closing += 1
        } else {
            if byte == 0x3E {
                let needed = place == .instruction ? 1 : 2
                if closing >= needed { place = .text }
            }
            closing = 0
        }
        return index + 1
    }

    /// `<`: notes where CDATA sections, comments and instructions begin.
    private mutating func markup(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, final: Bool, into output: inout [UInt8]
    ) -> Int? {
        let candidates: [(StaticString, Place)] = [("<![CDATA[", .cdata), ("<!--", .comment), ("<?", .instruction)]
        for (marker, place) in candidates {
            let length = marker.utf8CodeUnitCount
            let available = min(length, bytes.count - index)
            var matches = true
            for offset in 0..<available where bytes[index + offset] != marker.utf8Start[offset] {
                matches = false
                break
            }
            guard matches else { continue }
            if available < length {
                if final { break }
                return nil
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
            self.place = place
            closing = 0
            return index + length
        }
        output.append(0x3C)
        return index + 1
    }

    /// `&`: a reference XML knows is kept, an HTML one made numeric, anything else escaped.
    private func reference(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, final: Bool, into output: inout [UInt8]
    ) -> Int? {
        var end = index + 1
        let numeric = end < bytes.count && bytes[end] == UInt8(ascii: "#")
        if numeric { end += 1 }
        while end < bytes.count, end - index <= Self.nameLimit, bytes[end].isLetter || bytes[end].isDigit {
            end += 1
        }
        if end == bytes.count && !final && end - index <= Self.nameLimit { return nil }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > index + (numeric ? 2 : 1) else {
            output.append(contentsOf: Self.ampersand)
            return index + 1
        }
        if numeric {
            guard let (scalar, next) = HTMLEntities.decode(bytes, at: index), next == end + 1 else {
                output.append(contentsOf: Self.ampersand)
                return index + 1
            }
            let value = scalar.value
            if value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D { return next }
            if value == 0xFFFE || value == 0xFFFF || value == 0xFFFD {
                output.append(contentsOf: Array("&#xFFFD;".utf8))
                return next
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index...end]))
            return next
        }
        let name = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])
        if Self.isXMLName(name) {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index...end]))
            return end + 1
        }
        if let (scalar, next) = HTMLEntities.decode(bytes, at: index) {
            output.append(contentsOf: Array("&#\(scalar.value);".utf8))
            return next
        }
        output.append(contentsOf: Self.ampersand)
        return index + 1
    }

    private static let ampersand = Array("&amp;".utf8)

    private static func isXMLName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 2: name.elementsEqual("lt".utf8) || name.elementsEqual("gt".utf8)
        case 3: name.elementsEqual("amp".utf8)
        case 4: name.elementsEqual("quot".utf8) || name.elementsEqual("apos".utf8)
        default: false
        }
    }

    /// A byte past ASCII: copied when it starts a valid UTF-8 sequence (or the document is not
    /// UTF-8), else U+FFFD for the bad byte. Nil when the sequence runs past the chunk.
    private func utf8(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, final: Bool, into output: inout [UInt8]
    ) -> Int? {
        guard mode == .utf8 else {
            output.append(bytes[index])
            return index + 1
        }
        let lead = bytes[index]
        let (length, lower, upper) = UTF8Validation.sequence(leadBy: lead) ?? (0, 0x80, 0xBF)
        var valid = length > 0
        var seen = 1
        while valid, seen < length {
            guard index + seen < bytes.count else {
                if !final { return nil }
                valid = false
                break
            }
            let byte = bytes[index + seen]
            valid = seen == 1 ? byte >= lower && byte <= upper : byte & 0xC0 == 0x80
            if valid { seen += 1 }
        }
        guard valid else {
            output.append(contentsOf: Self.replacement)
            return index + max(1, seen)
        }
        // U+FFFE and U+FFFF are not XML characters.
        if lead == 0xEF, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
            output.append(contentsOf: Self.replacement)
        } else {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
        }
        return index + length
    }

    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
}

/// An input stream that hands on another's bytes through an ``XMLRepair``.
///
/// `XMLParser(stream:)` only opens, reads and closes its stream, which this overrides.
final class RepairingInputStream: InputStream {
    private let base: InputStream
    private var repair: XMLRepair
    private var pending: [UInt8] = []
    private var offset = 0
    private var ended = false
    private var chunk = [UInt8](repeating: 0, count: 128 * 1024)

    init(base: InputStream, mode: XMLRepair.Mode) {
        self.base = base
        repair = XMLRepair(mode: mode)
        super.init(data: Data())
    }

    override func open() { base.open() }
    override func close() { base.close() }
    override var hasBytesAvailable: Bool { offset < pending.count || !ended }
    override var streamStatus: Stream.Status { base.streamStatus }
    override var streamError: (any Error)? { base.streamError }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        while offset == pending.count {
            if ended { return 0 }
            let read = chunk.withUnsafeMutableBufferPointer { chunk in
                base.read(chunk.baseAddress.unsafelyUnwrapped, maxLength: chunk.count)
            }
            if read < 0 { return read }
            if read == 0 { ended = true }
            pending = repair.process(chunk[..<read], final: read == 0)
            offset = 0
        }
        let count = min(length, pending.count - offset)
        pending.withUnsafeBufferPointer { pending in
            buffer.update(from: pending.baseAddress.unsafelyUnwrapped + offset, count: count)
        }
        offset += count
        return count
    }
}
