/// What survives sanitising, and what each element means for the plain text.
///
/// Elements are allow-listed: anything not named here loses its tags but keeps its text,
/// except the elements in ``droppedWithContent``, which disappear with everything inside.
enum HTMLPolicy {
    /// What the sanitiser does with one element, looked up once per tag.
    struct Rule: OptionSet {
        let rawValue: UInt8
        static let allowed = Rule(rawValue: 1)
        static let void = Rule(rawValue: 2)
        static let dropped = Rule(rawValue: 4)
        static let rawText = Rule(rawValue: 8)
        static let block = Rule(rawValue: 16)
    }

    /// The rule for a lowercased element name; empty for unknown elements.
    static func rule(for name: String) -> Rule {
        rules[name] ?? []
    }

    private static let rules: [String: Rule] = {
        var rules: [String: Rule] = [:]
        let sets = [(allowed, Rule.allowed), (void, .void), (droppedWithContent, .dropped), (rawText, .rawText), (block, .block)]
        for (names, rule) in sets {
            for name in names { rules[name, default: []].insert(rule) }
        }
        return rules
    }()

    static let allowed: Set<String> = [
        "a", "abbr", "address", "article", "aside", "audio", "b", "bdi", "bdo", "blockquote", "br",
        "caption", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt",
        "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
        "img", "ins", "kbd", "li", "main", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby",
        "s", "samp", "section", "small", "source", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "time", "tr", "track", "u", "ul", "var", "video", "wbr",
    ]

    /// Elements that never have content or an end tag.
    static let void: Set<String> = ["area", "br", "col", "hr", "img", "source", "track", "wbr"]

    /// Elements removed together with their content: scripts and styles, embedded documents
    /// and plug-ins, and form controls, whose content is no part of the article's text.
    /// (`form` itself only loses its tags, so an article wrapped in one keeps its text.)
    static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "frameset", "object", "applet", "noscript", "noembed", "noframes",
        "template", "title", "head", "svg", "math", "button", "select", "textarea", "xmp",
    ]

    /// Of the dropped elements, those whose content is raw text rather than markup, so that
    /// skipping them means looking for their end tag and nothing else.
    static let rawText: Set<String> = [
        "script", "style", "iframe", "textarea", "title", "noscript", "noembed", "noframes", "xmp",
    ]

    /// Elements that start and end a paragraph of the plain text.
    static let block: Set<String> = [
        "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "div", "dl",
        "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
    ]

    /// Attributes whose value is a URL a browser may load or navigate to.
    static let urlAttributes: Set<String> = [
        "href", "src", "action", "formaction", "poster", "cite", "background", "longdesc", "xlink:href",
        "data", "codebase", "dynsrc", "lowsrc", "usemap",
    ]

    /// Whether an attribute may stay: not an event handler (`on…`), not inline CSS (which can
    /// carry `url()` and `expression()` payloads and fights the reader's own styles), and a
    /// plain name.
    static func keepsAttribute(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("on") && name != "style" && name != "srcdoc"
            && name.utf8.allSatisfy { $0.isLetter || $0.isDigit || $0 == 0x2D || $0 == 0x5F || $0 == 0x3A || $0 == 0x2E }
    }

    /// Whether a URL (entities already decoded) is safe to keep: anything but `javascript:`,
    /// `vbscript:` and `data:` URLs other than raster images. Whitespace and control characters
    /// are ignored while reading the scheme, as browsers do (`java\tscript:`).
    static func isSafeURL(_ value: [UInt8]) -> Bool {
        var scheme: [UInt8] = []
        var rest = value[...]
        while let byte = rest.first {
            rest = rest.dropFirst()
            if byte <= 0x20 { continue }
            if byte == UInt8(ascii: ":") { break }
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { return true }
            scheme.append(byte.isLetter ? byte | 0x20 : byte)
            if rest.isEmpty { return true }
        }
        switch String(decoding: scheme, as: UTF8.self) {
        case "javascript", "vbscript", "livescript":
            return false
        case "data":
            let type = rest.filter { $0 > 0x20 }.prefix(16).map { $0.isLetter ? $0 | 0x20 : $0 }
            return type.starts(with: Array("image/".utf8)) && !type.starts(with: Array("image/svg".utf8))
        default:
            return true
        }
    }
}
