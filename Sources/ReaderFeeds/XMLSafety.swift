/// Refuses XML that could make the parser expand entities without bound, or that libxml2
/// would read differently from this check.
///
/// libxml2 (behind Foundation's `XMLParser`) expands entities declared in a document's
/// internal DTD subset, so a "billion laughs" document (ten entities each referring ten
/// times to the one before) would ask for gigabytes. Feeds have no use for their own
/// entities, so any DOCTYPE that declares one is refused before the parser sees the
/// document: quickly and in constant memory. A DOCTYPE that only names an external DTD
/// (RSS 0.91 does) is fine, as external DTDs are never loaded.
///
/// The check fails closed: it reads the prolog the way XML defines it (comments, processing
/// instructions, the DOCTYPE's quoted literals and each declaration of its internal subset),
/// and refuses what it cannot follow rather than let it through: a prolog longer than
/// `prologLimit`, anything in the internal subset but the declarations and comments XML
/// allows there, and a document that is not ASCII-compatible text, where the bytes it reads
/// would not be the characters libxml2 reads (UTF-16 is read after transcoding the prefix;
/// other encodings whose bytes can mean something else are refused, see ``declaredEncoding``).
enum XMLSafety {
    /// How much of the start of a document is examined; a prolog longer than this is refused.
    static let prologLimit = 64 * 1024

    /// Why the document starting with `prefix` is refused, or nil when its prolog is safe.
    /// `prefix` is the whole document when it is shorter than `prologLimit`.
    static func problem(inPrologOf prefix: some Collection<UInt8>) -> String? {
        let bytes = Array(prefix)
        let complete = bytes.count < prologLimit
        let transcoded = utf16Transcoded(bytes)
        var scan = PrologScan(bytes: transcoded ?? bytes, complete: complete, utf16: transcoded != nil)
        return scan.problem()
    }

    /// A prefix in UTF-16 (with a byte-order mark, or starting `<?` without one, as libxml2
    /// detects it) as UTF-8; nil for any other document.
    private static func utf16Transcoded(_ bytes: [UInt8]) -> [UInt8]? {
        let bigEndian: Bool
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0x00, 0x3C, 0x00, 0x3F]) {
            bigEndian = true
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0x3C, 0x00, 0x3F, 0x00]) {
            bigEndian = false
        } else {
            return nil
        }
        let units = stride(from: 0, to: bytes.count - 1, by: 2).map { index -> UInt16 in
            let (high, low) = bigEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
            return UInt16(high) << 8 | UInt16(low)
        }
        let text = String(decoding: units.first == 0xFEFF ? units.dropFirst() : units[...], as: UTF16.self)
        return Array(text.utf8)
    }

    static let entitiesRefused = "the document declares entities in its DOCTYPE, which is refused: "
        + "entity expansion can exhaust memory (the \"billion laughs\" attack), and feeds never need it"
}

/// One pass over the prolog of a document in an ASCII-compatible encoding.
private struct PrologScan {
    let bytes: [UInt8]
    /// Whether `bytes` is the whole document rather than the first `prologLimit` bytes of it.
    let complete: Bool
    /// Whether the document is UTF-16, transcoded into `bytes`.
    let utf16: Bool
    var index = 0

    init(bytes: [UInt8], complete: Bool, utf16: Bool) {
        self.bytes = bytes
        self.complete = complete
        self.utf16 = utf16
    }

    /// Where the bytes run out before the prolog does: a cut document is libxml2's to refuse,
    /// but a prolog that outgrows the examined prefix could hide a DOCTYPE past it.
    private var endOfBytes: String? {
        complete ? nil : "the document's prolog (before its root element) is longer than "
            + "\(XMLSafety.prologLimit / 1024) KB, which is refused"
    }

    mutating func problem() -> String? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        let start = index
        if let problem = declaredEncodingProblem() { return problem }
        while index < bytes.count {
            let byte = bytes[index]
            if byte.isXMLSpace { index += 1; continue }
            guard byte == UInt8(ascii: "<"), index + 1 < bytes.count else {
                return notMarkup(byte)
            }
            if bytes.hasPrefix("<?", at: index) {
                if index > start, bytes.hasPrefix("<?xml", at: index), index + 5 < bytes.count, bytes[index + 5].isXMLSpace {
                    return "the document has an XML declaration after its start, which is refused"
                }
                guard skip(past: "?>") else { return unclosed }
            } else if bytes.hasPrefix("<!--", at: index) {
                guard skip(past: "-->") else { return unclosed }
            } else if bytes.hasPrefix("<!DOCTYPE", at: index) {
                return doctypeProblem()
            } else if bytes[index + 1].startsName {
                return nil  // the root element: the prolog is over
            } else {
                return notMarkup(bytes[index + 1])
            }
        }
        return endOfBytes
    }

    /// A declaration, processing instruction or comment of the prolog that does not end
    /// in the examined bytes: cut short, or longer than they are.
    private var unclosed: String {
        endOfBytes ?? "the document's prolog (before its root element) is malformed: a declaration, "
            + "processing instruction or comment in it is not closed"
    }

    private func notMarkup(_ byte: UInt8) -> String {
        "the document does not start with XML markup (byte 0x\(String(byte, radix: 16, uppercase: true)) "
            + "where markup should be): only UTF-8, UTF-16 and ASCII-compatible encodings are read"
    }

    /// The encoding an XML declaration names, refused unless every byte below 0x80 means its
    /// ASCII character in it (UTF-16 has been transcoded by now). In the others (UTF-7,
    /// ISO-2022, EBCDIC, UTF-32 and the like) markup can hide in bytes that read as something
    /// else here, so libxml2 would see a DOCTYPE this check does not.
    private func declaredEncodingProblem() -> String? {
        // To its first `>` whether or not `?` comes before it: libxml2 switches encoding on
        // reading the name, even in a declaration it then finds malformed.
        guard bytes.hasPrefix("<?xml", at: index) else { return nil }
        let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count
        let declaration = String(decoding: bytes[index..<end], as: UTF8.self)
        guard let range = declaration.range(of: "encoding") else { return nil }
        let value = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            .prefix { $0 != "\"" && $0 != "'" && $0 != "?" }
        let name = value.uppercased()
        guard !Self.readableEncodings.contains(name), !(utf16 && Self.utf16Encodings.contains(name)) else { return nil }
        if name.hasPrefix("UTF-16") || name.hasPrefix("UTF16") || name.hasPrefix("UTF-32") || name.hasPrefix("UTF32") {
            // A UTF-16 or UTF-32 document has been decoded by now, so these bytes are not it.
            return "the document declares the encoding \"\(value)\", but its bytes are not \(value) (no byte-order mark, "
                + "and <?xml is written one byte a character): declare the encoding it is in, such as UTF-8"
        }
        return "the document declares the encoding \"\(value)\", which is not read: use UTF-8"
    }

    /// The encodings a declaration may name, exactly (in upper case): those in which every
    /// byte below 0x80 is its ASCII character and every byte sequence is valid. libxml2
    /// crashes (a NULL read in xmlSwitchToEncoding) on a name it has no converter for (found
    /// by fuzzing: `UTF8-`) and, through iconv, on bytes the declared encoding does not
    /// assign (0x81 in windows-1252, any invalid sequence in Shift_JIS or EUC-JP, a byte
    /// above 0x7F in US-ASCII). Documents declared windows-1252, US-ASCII or ISO-8859-1,
    /// fetched or in files, are decoded to UTF-8 before this check (``Windows1252``), so those
    /// names reach it only when that decoding did not happen, and are refused then. UTF-16 is
    /// read only when the document is UTF-16 (see `utf16`).
    static let readableEncodings: Set<String> = {
        var names: Set<String> = ["UTF-8", "UTF8", "LATIN1", "KOI8-R", "KOI8-U", "MACINTOSH"]
        for part in [1, 2, 4, 5, 9, 10, 13, 14, 15, 16] {
            names.formUnion(["ISO-8859-\(part)", "ISO8859-\(part)", "ISO_8859-\(part)"])
        }
        return names
    }()

    static let utf16Encodings: Set<String> = ["UTF-16", "UTF16", "UTF-16LE", "UTF-16BE"]

    /// `<!DOCTYPE name ExternalID? ('[' intSubset ']')? '>'`. The external id's quoted
    /// literals may hold `[` and `>`, so they are skipped whole.
    private mutating func doctypeProblem() -> String? {
        index += 9
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                guard skipLiteral() else { return unclosed }
            case UInt8(ascii: ">"):
                return nil
            case UInt8(ascii: "["):
                index += 1
                return subsetProblem()
            default:
                index += 1
            }
        }
        return unclosed
    }

    /// The internal subset holds only whitespace, comments, processing instructions and
    /// markup declarations; an entity declaration, a parameter-entity reference (which only
    /// an entity declaration can give a meaning) or anything else is refused. Declarations
    /// are skipped to their `>`, outside quoted literals (an ATTLIST default may hold `>`).
    private mutating func subsetProblem() -> String? {
        while index < bytes.count {
            let byte = bytes[index]
            if byte.isXMLSpace {
                index += 1
            } else if byte == UInt8(ascii: "]") {
                return nil  // what follows is `S? >`, which libxml2 checks
            } else if bytes.hasPrefix("<!--", at: index) {
                guard skip(past: "-->") else { return unclosed }
            } else if bytes.hasPrefix("<?", at: index) {
                guard skip(past: "?>") else { return unclosed }
            } else if bytes.hasPrefix("<!ENTITY", at: index) || byte == UInt8(ascii: "%") {
                return XMLSafety.entitiesRefused
            } else if bytes.hasPrefix("<!ELEMENT", at: index) || bytes.hasPrefix("<!ATTLIST", at: index)
                || bytes.hasPrefix("<!NOTATION", at: index)
            {
                if let problem = declarationProblem() { return problem }
            } else {
                return "the DOCTYPE's internal subset holds something other than declarations "
                    + "(at byte \(index)), which is refused"
            }
        }
        return unclosed
    }

    /// Moves past the next `needle`; false when the bytes end first.
    private mutating func skip(past needle: StaticString) -> Bool {
        guard let end = bytes.index(after: needle, from: index) else { return false }
        index = end
        return true
    }

    /// Moves past the quoted literal at the cursor; false when the bytes end first.
    private mutating func skipLiteral() -> Bool {
        let quote = bytes[index]
        guard let end = bytes[(index + 1)...].firstIndex(of: quote) else { return false }
        index = end + 1
        return true
    }

    /// Moves past the markup declaration at the cursor, whose quoted literals may hold `>`;
    /// the reason to refuse it, if any.
    private mutating func declarationProblem() -> String? {
        index += 2
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                guard skipLiteral() else { return unclosed }
            case UInt8(ascii: ">"):
                index += 1
                return nil
            case UInt8(ascii: "<"), UInt8(ascii: "%"):
                // No declaration holds markup, and a parameter-entity reference needs an entity.
                return "a declaration in the DOCTYPE's internal subset holds \"\(Character(Unicode.Scalar(bytes[index])))\" "
                    + "(at byte \(index)), which is refused"
            default:
                index += 1
            }
        }
        return unclosed
    }
}

extension UInt8 {
    /// Whether an element name may start with this byte: a letter, `_`, `:` or the first
    /// byte of a non-ASCII character.
    fileprivate var startsName: Bool {
        isLetter || self == UInt8(ascii: "_") || self == UInt8(ascii: ":") || self >= 0x80
    }
}

extension [UInt8] {
    /// Whether the ASCII text `prefix` starts at `index`.
    func hasPrefix(_ prefix: StaticString, at index: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= self.count else { return false }
        return prefix.withUTF8Buffer { needle in
            for offset in 0..<count where self[index + offset] != needle[offset] { return false }
            return true
        }
    }

    /// The index just past the first `needle` at or after `start`.
    func index(after needle: StaticString, from start: Int) -> Int? {
        var index = start
        while index < count {
            if hasPrefix(needle, at: index) { return index + needle.utf8CodeUnitCount }
            index += 1
        }
        return nil
    }
}
