import Foundation

/// The top-level fields of a JSON Feed that describe the feed itself.
///
/// Only `version` must have its type; any other field of the wrong type is left out, as if
/// the feed did not have it, rather than refusing the feed.
struct JSONFeedHeader: Decodable {
    var version: String?
    var title: String?
    var homePageURL: String?
    var feedURL: String?
    /// The feed's authors, which items without authors inherit (1.1 `authors`, 1.0 `author`).
    var authors: [JSONFeedAuthor]?
    var author: JSONFeedAuthor?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version, title, authors, author
        case homePageURL = "home_page_url"
        case feedURL = "feed_url"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decodeIfPresent(String.self, forKey: .version)
        title = container.lenient(String.self, .title)
        homePageURL = container.lenient(String.self, .homePageURL)
        feedURL = container.lenient(String.self, .feedURL)
        authors = container.lenient([JSONFeedAuthor].self, .authors)
        author = container.lenient(JSONFeedAuthor.self, .author)
    }
}

/// One element of a JSON Feed's `items` (1.1, with 1.0's single `author` accepted).
///
/// An item must be an object with an `id`; any other field of the wrong type is left out
/// (a numeric `title`, an `authors` object), and the item is kept without it.
struct JSONFeedItem: Decodable {
    var id: JSONFeedID
    var url: String?
    var title: String?
    var contentHTML: String?
    var contentText: String?
    var summary: String?
    var image: String?
    var datePublished: String?
    var dateModified: String?
    var authors: [JSONFeedAuthor]?
    var author: JSONFeedAuthor?

    enum CodingKeys: String, CodingKey {
        case id, url, title, summary, image, authors, author
        case contentHTML = "content_html"
        case contentText = "content_text"
        case datePublished = "date_published"
        case dateModified = "date_modified"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(JSONFeedID.self, forKey: .id)
        url = container.lenient(String.self, .url)
        title = container.lenient(String.self, .title)
        contentHTML = container.lenient(String.self, .contentHTML)
        contentText = container.lenient(String.self, .contentText)
        summary = container.lenient(String.self, .summary)
        image = container.lenient(String.self, .image)
        datePublished = container.lenient(String.self, .datePublished)
        dateModified = container.lenient(String.self, .dateModified)
        authors = container.lenient([JSONFeedAuthor].self, .authors)
        author = container.lenient(JSONFeedAuthor.self, .author)
    }
}

/// An author of a JSON Feed item or feed; only the name is used, and a name that is not a
/// string is no name.
struct JSONFeedAuthor: Decodable {
    var name: String?

    private enum CodingKeys: String, CodingKey { case name }

    init(from decoder: any Decoder) throws {
        name = try decoder.container(keyedBy: CodingKeys.self).lenient(String.self, .name)
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or nil when it is absent, null or of another type.
    func lenient<T: Decodable>(_ type: T.Type, _ key: Key) -> T? {
        (try? decodeIfPresent(type, forKey: key)) ?? nil
    }
}

/// An item id, which JSON Feed says is a string but which feeds also write as a number.
struct JSONFeedID: Decodable {
    var value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            throw DecodingError.valueNotFound(String.self, .init(codingPath: container.codingPath, debugDescription: "null id"))
        }
        if let text = try? container.decode(String.self) {
            value = text
        } else if let number = try? container.decode(Int64.self) {
            value = String(number)
        } else if let number = try? container.decode(Double.self) {
            value = String(number)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: container.codingPath, debugDescription: "id"))
        }
    }
}

extension DecodingError {
    /// What is wrong with a JSON Feed value, in words: `missing "id"`, `"title" should be a string`.
    var feedReason: String {
        switch self {
        case .keyNotFound(let key, let context):
            return "missing \"\(Self.path(context.codingPath + [key]))\""
        case .valueNotFound(_, let context):
            return "\"\(Self.path(context.codingPath))\" is null"
        case .typeMismatch(let type, let context):
            let expected = switch type {
            case is String.Type: "a string"
            case is [JSONFeedAuthor].Type: "an array"
            default: "an object"
            }
            if context.codingPath.isEmpty { return "should be \(expected)" }
            return "\"\(Self.path(context.codingPath))\" should be \(expected)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "is not valid JSON" : "\"\(Self.path(context.codingPath))\" is not valid"
        @unknown default:
            return "cannot be read"
        }
    }

    /// `authors[0].name` for the coding path of that value.
    private static func path(_ keys: [any CodingKey]) -> String {
        var path = ""
        for key in keys {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += (path.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return path
    }
}
