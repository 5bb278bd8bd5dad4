/// An element name with its namespace reduced to the vocabularies feeds use.
enum FeedTag: Equatable {
    case rss(String), atom(String), content(String), dc(String), rdf(String), media(String), itunes(String)
    case xhtml(String), other

    init(_ name: String, namespace: String?) {
        switch namespace ?? "" {
        // RSS 0.91 to 2.0 have no namespace, but some feeds give them UserLand's or Harvard's.
        case "", "http://purl.org/rss/1.0/", "http://backend.userland.com/rss2", "http://my.netscape.com/rdf/simple/0.9/",
            "http://backend.userland.com/rss", "http://blogs.law.harvard.edu/tech/rss":
            self = .rss(name)
        // Atom 0.3 names most elements as 1.0 does; the parser maps the few it renamed.
        case "http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#": self = .atom(name)
        case "http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss": self = .media(name)
        case "http://purl.org/rss/1.0/modules/content/": self = .content(name)
        case "http://purl.org/dc/elements/1.1/": self = .dc(name)
        case "http://www.w3.org/1999/02/22-rdf-syntax-ns#": self = .rdf(name)
        case "http://www.itunes.com/dtds/podcast-1.0.dtd": self = .itunes(name)
        case "http://www.w3.org/1999/xhtml": self = .xhtml(name)
        default: self = .other
        }
    }
}
