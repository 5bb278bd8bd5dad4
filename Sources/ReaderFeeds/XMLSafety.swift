/// Refuses XML that could make the parser expand entities without bound.
///
/// libxml2 (behind Foundation's `XMLParser`) expands entities declared in a document's
/// internal DTD subset, so a "billion laughs" document (ten entities each referring ten
/// times to the one before) would ask for gigabytes. Feeds have no use for their own
/// entities, so any DOCTYPE that declares one is refused before the parser sees the
/// document: quickly and in constant memory. A DOCTYPE that only names an external DTD
/// (RSS 0.91 does) is fine, as external DTDs are never loaded.
enum XMLSafety {
    /// How much of the start of a document is examined; a DOCTYPE longer than this is refused.
    static let prologLimit = 64 * 1024

    /// Why the document starting with `prefix` is refused, or nil when its prolog is safe.
    static func problem(inPrologOf prefix: some Collection<UInt8>) -> String? {
        let bytes = Array(prefix)
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte.isXMLSpace { index += 1; continue }
            guard byte == UInt8(ascii: "<") else { return nil }
            if bytes.hasPrefix("<?", at: index) {
                guard let end = bytes.index(after: "?>", from: index) else { return nil }
                index = end
            } else if bytes.hasPrefix("<!--", at: index) {
                guard let end = bytes.index(after: "-->", from: index) else { return nil }
                index = end
            } else if bytes.hasPrefix("<!DOCTYPE", at: index) {
                return doctypeProblem(bytes, from: index)
            } else {
                return nil
            }
        }
        return nil
    }

    private static func doctypeProblem(_ bytes: [UInt8], from start: Int) -> String? {
        var index = start
        var quote: UInt8?
        var inSubset = false
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "[") {
                inSubset = true
            } else if byte == UInt8(ascii: "]") {
                inSubset = false
            } else if inSubset && bytes.hasPrefix("<!ENTITY", at: index) {
                return "the document declares entities in its DOCTYPE, which is refused: "
                    + "entity expansion can exhaust memory (the \"billion laughs\" attack), and feeds never need it"
            } else if byte == UInt8(ascii: ">") && !inSubset {
                return nil
            }
            index += 1
        }
        return bytes.count >= prologLimit
            ? "the DOCTYPE is longer than \(prologLimit / 1024) KB, which is refused"
            : nil
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
