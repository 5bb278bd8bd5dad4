/// Turns the HTML of an article into HTML that is safe to show and the plain text it reads as.
public enum HTMLText {
    /// Sanitises `html` and extracts its text, in one pass over its UTF-8 bytes.
    ///
    /// The HTML keeps an allow-list of formatting elements (paragraphs, headings, lists,
    /// links, images, tables, quotes, emphasis…). `script`, `style`, `iframe`, `object`,
    /// `noscript`, `svg` and form controls are removed with their content; `embed`, `form` and
    /// other unknown elements lose their tags but keep their text. Event-handler attributes
    /// (`on…`), `style` attributes, and `javascript:`, `vbscript:` and non-image `data:` URLs in
    /// `href`, `src` and the like are removed. Text and attribute values are re-escaped, end
    /// tags without a matching start tag are dropped, and elements left open are closed, so
    /// the result cannot break out of the page it is placed in.
    ///
    /// The text drops all tags: block elements (`p`, `div`, `li`, headings…) become paragraph
    /// breaks (`"\n\n"`), `<br>` a line break (`"\n"`), character references (common named
    /// ones and all numeric ones) are decoded, and whitespace, no-break spaces included, is
    /// collapsed to single spaces within paragraphs and trimmed at both ends.
    public static func sanitize(_ html: String) -> (html: String, text: String) {
        sanitize(html, baseURL: nil)
    }

    /// ``sanitize(_:)``, also making relative `href` and `src` URLs absolute against
    /// `baseURL` (when it is absolute), so that an article's links and images work away from
    /// its site.
    static func sanitize(_ html: String, baseURL: String?) -> (html: String, text: String) {
        var html = html
        return html.withUTF8 { bytes in
            var sanitizer = HTMLSanitizer(input: bytes, baseURL: baseURL)
            sanitizer.run()
            let output = sanitizer.html
            var start = output.startIndex
            var end = output.endIndex
            while start < end, output[start].isXMLSpace { start += 1 }
            while end > start, output[end - 1].isXMLSpace { end -= 1 }
            return (String(decoding: output[start..<end], as: UTF8.self), String(decoding: sanitizer.text, as: UTF8.self))
        }
    }

    /// `text` with `&`, `<`, `>` and `"` escaped, fit for element content and quoted attributes.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 { bytes.appendEscaped(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` with its character references (`&amp;`, `&eacute;`, `&#8217;`) decoded and
    /// nothing else changed: for plain-text fields that feeds escape all the same (JSON Feed
    /// titles). A `&` that starts no known reference stays.
    static func decodingReferences(_ text: String) -> String {
        guard text.utf8.contains(0x26) else { return text }
        var text = text
        return text.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                if bytes[index] == 0x26, let (scalar, end) = HTMLEntities.decode(bytes, at: index) {
                    output.append(contentsOf: String(Character(scalar)).utf8)
                    index = end
                } else {
                    output.append(bytes[index])
                    index += 1
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Paragraphs of plain text as HTML: each one a `<p>`, escaped, one per line.
    static func html(paragraphs: [String]) -> String {
        paragraphs.map { "<p>" + escape($0) + "</p>" }.joined(separator: "\n")
    }
}

extension [UInt8] {
    /// Appends `byte`, escaped when it is one of `&`, `<`, `>` or `"`.
    mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case 0x26: append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
        case 0x3C: append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
        case 0x3E: append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
        case 0x22: append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
        default: append(byte)
        }
    }
}
