import Foundation

/// The JSON answers of the Google Reader API, as loosely as real services write them:
/// every member optional, numbers accepted as numbers or as strings (FreshRSS writes
/// `crawlTimeMsec` as a string and `published` as a number; others differ). What a member
/// must hold is checked where it is used, not here.
enum GReaderAnswer {
    /// `subscription/list`.
    struct Subscriptions: Decodable {
        var subscriptions: [Subscription]?
    }

    struct Subscription: Decodable {
        var id: String?
        var title: String?
        var categories: [Category]?
        var url: String?
        var htmlUrl: String?
    }

    struct Category: Decodable {
        var id: String?
        var label: String?
        var type: String?
    }

    /// `tag/list`.
    struct Tags: Decodable {
        var tags: [Category]?
    }

    /// `stream/items/ids`.
    struct ItemRefs: Decodable {
        var itemRefs: [ItemRef]?
        var continuation: Flexible?
    }

    struct ItemRef: Decodable {
        var id: Flexible?
    }

    /// `stream/items/contents`.
    struct Contents: Decodable {
        var items: [Item]?
    }

    struct Item: Decodable {
        var id: Flexible?
        var crawlTimeMsec: Flexible?
        var timestampUsec: Flexible?
        var published: Flexible?
        var updated: Flexible?
        var title: String?
        var author: String?
        var canonical: [Link]?
        var alternate: [Link]?
        var categories: [String]?
        var origin: Origin?
        var summary: Body?
        var content: Body?
    }

    struct Link: Decodable {
        var href: String?
    }

    struct Origin: Decodable {
        var streamId: String?
        var htmlUrl: String?
        var title: String?
    }

    struct Body: Decodable {
        var content: String?
    }

    /// `subscription/quickadd`: a failure may come back as 200 with `numResults` 0.
    struct QuickAdd: Decodable {
        var numResults: Flexible?
        var streamId: String?
        var error: String?
    }

    /// `user-info`.
    struct UserInfo: Decodable {
        var userId: Flexible?
        var userName: String?
        var userEmail: String?
    }

    /// A scalar written as a number or as a string; its text either way.
    struct Flexible: Decodable {
        var text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self.text = text
            } else if let number = try? container.decode(Int64.self) {
                text = String(number)
            } else if let number = try? container.decode(UInt64.self) {
                text = String(number)
            } else {
                let number = try container.decode(Double.self)
                text = number.isFinite && abs(number) < 1e18 ? String(Int64(number)) : "0"
            }
        }

        /// The value as a whole number, when it is one.
        var integer: Int64? { Int64(text) ?? Double(text).flatMap { $0.isFinite && abs($0) < 9e18 ? Int64($0) : nil } }
    }
}
