/// The formats ``FeedFile`` reads.
public enum FeedFormat: String, Sendable, CaseIterable {
    /// RSS 2.0, or RSS 1.0 (RDF).
    case rss
    /// Atom 1.0.
    case atom
    /// JSON Feed 1.1 or 1.0.
    case jsonFeed = "json_feed"
    /// Plain text: articles pasted one after another, each headed by a title and a
    /// `By NAME` and/or `Source: NAME` line.
    case bundle

    /// How many bytes of a file ``detect(prefix:)`` wants to see.
    static let sniffLength = 4096

    /// Sniffs the format from the first bytes of a file (4 KiB is plenty).
    ///
    /// A UTF-8 byte-order mark and leading whitespace are skipped; UTF-16 and UTF-32 (by
    /// their byte-order mark or the zero bytes of their first character) are decoded first. Markup is RSS when its root
    /// element is `<rss>` or `<rdf:RDF>` (RSS 1.0) and Atom when it is `<feed>`; the XML
    /// declaration, comments and a doctype before the root are skipped. `{` starts a JSON Feed.
    /// Anything else, an empty file included, is a plain-text bundle.
    ///
    /// - Returns: nil for markup whose root element is something else (an HTML page, say) or
    ///   lies beyond the prefix.
    public static func detect(prefix: some Collection<UInt8>) -> FeedFormat? {
        var bytes = Array(prefix)
        // UTF-16 and UTF-32 are sniffed as the UTF-8 they are read as.
        if let (encoding, mark) = WideUnicode.detect(bytes) {
            var decoder = WideUnicode.Decoder(encoding: encoding, markLength: mark)
            bytes = decoder.decode(bytes[...], final: false)
        }
        var index = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while index < bytes.count, bytes[index].isXMLSpace { index += 1 }
        guard index < bytes.count else { return .bundle }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .jsonFeed
        case UInt8(ascii: "<"): return rootFormat(bytes, from: index)
        default: return .bundle
        }
    }

    /// The format named by the first element of the markup starting at `index`.
    private static func rootFormat(_ bytes: [UInt8], from start: Int) -> FeedFormat? {
        var index = start
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else {
                if bytes[index].isXMLSpace { index += 1; continue }
                return nil
            }
            let rest = bytes[(index + 1)...]
            if rest.starts(with: Array("!--".utf8)) {
                guard let end = bytes.firstRange(of: Array("-->".utf8), from: index) else { return nil }
                index = end
            } else if rest.first == UInt8(ascii: "?") || rest.first == UInt8(ascii: "!") {
                guard let end = endOfDeclaration(bytes, from: index) else { return nil }
                index = end
            } else {
                var nameEnd = index + 1
                while nameEnd < bytes.count, !bytes[nameEnd].isXMLSpace,
                      bytes[nameEnd] != UInt8(ascii: ">"), bytes[nameEnd] != UInt8(ascii: "/") {
                    nameEnd += 1
                }
                let name = String(decoding: bytes[(index + 1)..<nameEnd], as: UTF8.self)
                switch name.split(separator: ":").last.map(String.init) {
                case "rss", "RDF": return .rss
                case "feed": return .atom
                default: return nil
                }
            }
        }
        return nil
    }

    /// The index just past the `>` that closes `<?…?>` or `<!…>`, stepping over a doctype's
    /// internal subset in square brackets.
    private static func endOfDeclaration(_ bytes: [UInt8], from start: Int) -> Int? {
        var depth = 0
        for index in start..<bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ">") where depth <= 0: return index + 1
            default: break
            }
        }
        return nil
    }
}

extension UInt8 {
    /// Space, tab, carriage return or line feed: the whitespace of XML and JSON.
    var isXMLSpace: Bool {
        self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D
    }
}

extension [UInt8] {
    /// The index just past the first occurrence of `needle` at or after `start`.
    fileprivate func firstRange(of needle: [UInt8], from start: Int) -> Int? {
        guard needle.count <= count else { return nil }
        var index = start
        while index + needle.count <= count {
            if self[index..<(index + needle.count)].elementsEqual(needle) { return index + needle.count }
            index += 1
        }
        return nil
    }
}
