/// UTF-16 and UTF-32 documents, decoded to UTF-8 before anything else reads them, so that
/// sniffing, repair, the safety check and the parser only ever meet UTF-8.
///
/// The encoding is found by a byte-order mark, else by the zero bytes of the document's first
/// character (`<`, `{` or whitespace), as XML 1.0's appendix F describes: a document declared
/// UTF-16 or UTF-32 is in that encoding from its first byte. A document that is decoded has
/// its XML declaration rewritten to say UTF-8 and loses its byte-order mark. Unpaired
/// surrogates and values past U+10FFFF become U+FFFD, as invalid UTF-8 does.
enum WideUnicode: Equatable {
    case utf16LittleEndian, utf16BigEndian, utf32LittleEndian, utf32BigEndian

    /// The encoding of a document starting with `prefix`, and the length of its byte-order
    /// mark; nil for a document in UTF-8 or any single-byte encoding.
    static func detect(_ prefix: some Collection<UInt8>) -> (encoding: WideUnicode, markLength: Int)? {
        let bytes = Array(prefix.prefix(4))
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return (.utf32BigEndian, 4) }
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return (.utf32LittleEndian, 4) }
        if bytes.starts(with: [0xFE, 0xFF]) { return (.utf16BigEndian, 2) }
        if bytes.starts(with: [0xFF, 0xFE]) { return (.utf16LittleEndian, 2) }
        guard bytes.count == 4 else { return nil }
        switch (bytes[0] != 0, bytes[1] != 0, bytes[2] != 0, bytes[3] != 0) {
        case (false, false, false, true): return (.utf32BigEndian, 0)
        case (true, false, false, false): return (.utf32LittleEndian, 0)
        case (false, true, false, true): return (.utf16BigEndian, 0)
        case (true, false, true, false): return (.utf16LittleEndian, 0)
        default: return nil
        }
    }

    /// How people name the encoding in messages.
    var name: String {
        switch self {
        case .utf16LittleEndian: "UTF-16 (little-endian)"
        case .utf16BigEndian: "UTF-16 (big-endian)"
        case .utf32LittleEndian: "UTF-32 (little-endian)"
        case .utf32BigEndian: "UTF-32 (big-endian)"
        }
    }

    private var unitSize: Int {
        self == .utf16LittleEndian || self == .utf16BigEndian ? 2 : 4
    }

    /// A whole document in UTF-16 or UTF-32 as UTF-8, or nil when it is neither.
    static func utf8XML(ofDocument bytes: [UInt8]) -> [UInt8]? {
        guard let (encoding, mark) = detect(bytes) else { return nil }
        var decoder = Decoder(encoding: encoding, markLength: mark)
        return decoder.decode(bytes[...], final: true)
    }

    /// Decodes a document a piece at a time, holding back a unit (or surrogate pair) cut by
    /// the end of a piece until the next one.
    struct Decoder {
        let encoding: WideUnicode
        private var skip: Int
        private var started = false
        private var carry: [UInt8] = []

        init(encoding: WideUnicode, markLength: Int) {
            self.encoding = encoding
            skip = markLength
        }

        /// The UTF-8 of `piece` (and of what was held back before it); the first piece's XML
        /// declaration, if it holds one, is made to say UTF-8.
        mutating func decode(_ piece: ArraySlice<UInt8>, final: Bool) -> [UInt8] {
            var bytes = carry + piece
            carry = []
            if skip > 0 {
                let dropped = min(skip, bytes.count)
                bytes.removeFirst(dropped)
                skip -= dropped
            }
            let size = encoding.unitSize
            var end = bytes.count - bytes.count % size
            if !final, size == 2, end >= 2 {
                // A high surrogate at the end waits for its partner.
                let last = unit16(bytes, at: end - 2)
                if (0xD800...0xDBFF).contains(last) { end -= 2 }
            }
            if !final { carry = Array(bytes[end...]) }
            var output: [UInt8] = []
            output.reserveCapacity(end / size * 2)
            // Errors are replaced with U+FFFD, never reported (`stoppingOnError: false`).
            if size == 2 {
                let units = stride(from: 0, to: end, by: 2).map { unit16(bytes, at: $0) }
                _ = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: false) { output.append($0) }
            } else {
                let units = stride(from: 0, to: end, by: 4).map { unit32(bytes, at: $0) }
                _ = transcode(units.makeIterator(), from: UTF32.self, to: UTF8.self, stoppingOnError: false) { output.append($0) }
            }
            if final && end < bytes.count { output += [0xEF, 0xBF, 0xBD] }  // a cut-off last unit
            if !started {
                started = true
                let start = output.firstIndex { !$0.isXMLSpace } ?? output.count
                if let range = FeedEncoding.declaredEncoding(Array(output[start...])) {
                    output.replaceSubrange((range.lowerBound + start)..<(range.upperBound + start), with: Array("UTF-8".utf8))
                }
            }
            return output
        }

        private func unit16(_ bytes: [UInt8], at index: Int) -> UInt16 {
            let (first, second) = (UInt16(bytes[index]), UInt16(bytes[index + 1]))
            return encoding == .utf16BigEndian ? first << 8 | second : second << 8 | first
        }

        private func unit32(_ bytes: [UInt8], at index: Int) -> UInt32 {
            let value = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[index + $1]) }
            return encoding == .utf32BigEndian ? value : value.byteSwapped
        }
    }
}
