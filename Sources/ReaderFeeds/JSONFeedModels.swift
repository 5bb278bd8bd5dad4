import Foundation

/// The top-level fields of a JSON Feed that describe the feed itself.
struct JSONFeedHeader: Decodable {
    var version: String?
    var title: String?
    var homePageURL: String?
    var feedURL: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version, title
        case homePageURL = "home_page_url"
        case feedURL = "feed_url"
    }
}

/// One element of a JSON Feed's `items` (1.1, with 1.0's single `author` accepted).
struct JSONFeedItem: Decodable {
    var id: JSONFeedID
    var url: String?
    var title: String?
    var contentHTML: String?
    var contentText: String?
    var summary: String?
    var datePublished: String?
    var dateModified: String?
    var authors: [JSONFeedAuthor]?
    var author: JSONFeedAuthor?

    enum CodingKeys: String, CodingKey {
        case id, url, title, summary, authors, author
        case contentHTML = "content_html"
        case contentText = "content_text"
        case datePublished = "date_published"
        case dateModified = "date_modified"
    }
}

/// An author of a JSON Feed item; only the name is used.
struct JSONFeedAuthor: Decodable {
    var name: String?
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
