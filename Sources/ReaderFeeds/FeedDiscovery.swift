import Foundation

/// A feed an HTML page advertises with `<link rel="alternate" type="…" href="…">`.
public struct DiscoveredFeed: Sendable, Hashable {
    /// The feed's absolute URL.
    public var url: String
    /// The link's `title`, when it has one.
    public var title: String?
    /// The advertised format.
    public var format: FeedFormat
}

/// Finds the feeds an HTML page links to, the way browsers and feed readers do.
public enum FeedDiscovery {
    private static let types: [String: FeedFormat] = [
        "application/rss+xml": .rss, "application/atom+xml": .atom,
        "application/feed+json": .jsonFeed, "application/json": .jsonFeed,
        "application/rdf+xml": .rss, "text/xml": .rss, "application/xml": .rss,
    ]

    /// The feeds `html` links to, in page order, their URLs resolved against `<base href>`
    /// or `pageURL`; RSS, Atom and JSON Feed types only, duplicates dropped.
    public static func feeds(inHTML html: [UInt8], pageURL: String) -> [DiscoveredFeed] {
        let page = String(decoding: html, as: UTF8.self)
        var base = pageURL
        var found: [DiscoveredFeed] = []
        for tag in tags(in: page) {
            if tag.name == "base", let href = tag.attributes["href"] {
                base = FeedLink.resolve(href, against: pageURL)
                continue
            }
            guard tag.name == "link",
                  let rel = tag.attributes["rel"]?.lowercased().split(separator: " "),
                  rel.contains("alternate"), !rel.contains("stylesheet"),
                  let type = tag.attributes["type"]?.lowercased().split(separator: ";").first,
                  let format = types[type.trimmingCharacters(in: .whitespaces)],
                  let href = tag.attributes["href"].map(PlainText.collapsed), !href.isEmpty
            else { continue }
            let url = FeedLink.resolve(href.replacingOccurrences(of: "&amp;", with: "&"), against: base)
            if found.contains(where: { $0.url == url }) { continue }
            let title = tag.attributes["title"].map { PlainText.collapsed($0.replacingOccurrences(of: "&amp;", with: "&")) }
            found.append(DiscoveredFeed(url: url, title: title?.isEmpty == false ? title : nil, format: format))
        }
        return found
    }

    /// The `<link>` and `<base>` start tags of `page` with their attributes (names lowercased),
    /// up to `</head>` or `<body>`, where they must be.
    private static func tags(in page: String) -> [(name: String, attributes: [String: String])] {
        var result: [(String, [String: String])] = []
        let scalars = Array(page.unicodeScalars)
        var index = 0
        func lower(_ at: Int) -> String { scalars[at].properties.lowercaseMapping }
        while index < scalars.count {
            guard scalars[index] == "<" else { index += 1; continue }
            index += 1
            var name = ""
            while index < scalars.count, scalars[index].properties.isAlphabetic || scalars[index] == "/" || scalars[index] == "!" {
                name += lower(index)
                index += 1
            }
            if name == "/head" || name == "body" { break }
            if name.hasPrefix("!--") {
                while index + 2 < scalars.count, !(scalars[index] == "-" && scalars[index + 1] == "-" && scalars[index + 2] == ">") { index += 1 }
                continue
            }
            guard name == "link" || name == "base" else { continue }
            var attributes: [String: String] = [:]
            while index < scalars.count, scalars[index] != ">" {
                if scalars[index].properties.isWhitespace || scalars[index] == "/" { index += 1; continue }
                var key = ""
                while index < scalars.count, !scalars[index].properties.isWhitespace, scalars[index] != "=", scalars[index] != ">" {
                    key += lower(index)
                    index += 1
                }
                while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
                var value = ""
                if index < scalars.count, scalars[index] == "=" {
                    index += 1
                    while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
                    if index < scalars.count, scalars[index] == "\"" || scalars[index] == "'" {
                        let quote = scalars[index]
                        index += 1
                        while index < scalars.count, scalars[index] != quote { value.unicodeScalars.append(scalars[index]); index += 1 }
                        index += 1
                    } else {
                        while index < scalars.count, !scalars[index].properties.isWhitespace, scalars[index] != ">" {
                            value.unicodeScalars.append(scalars[index])
                            index += 1
                        }
                    }
                }
                if !key.isEmpty, attributes[key] == nil { attributes[key] = value }
            }
            result.append((name, attributes))
        }
        return result
    }
}
