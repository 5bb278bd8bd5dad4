import Foundation

/// The JSON answers of the API, in the shapes apps parse (see docs/GREADER.md).
enum GReaderJSON {
    struct UserInfo: Encodable {
        var userId: String
        var userName: String
        var userProfileId: String
        var userEmail: String
    }

    struct Category: Encodable {
        var id: String
        var label: String
    }

    struct Subscription: Encodable {
        var id: String
        var title: String
        var categories: [Category]
        var url: String
        var htmlUrl: String
        var iconUrl: String
    }

    struct SubscriptionList: Encodable {
        var subscriptions: [Subscription]
    }

    struct Tag: Encodable {
        var id: String
        var type: String?
        var unreadCount: Int?

        enum CodingKeys: String, CodingKey {
            case id, type, unreadCount = "unread_count"
        }
    }

    struct TagList: Encodable {
        var tags: [Tag]
    }

    struct UnreadCount: Encodable {
        var id: String
        var count: Int
        var newestItemTimestampUsec: String
    }

    struct UnreadCounts: Encodable {
        var max: Int
        var unreadcounts: [UnreadCount]
    }

    struct ItemRef: Encodable {
        var id: String
    }

    struct ItemRefs: Encodable {
        var itemRefs: [ItemRef]
        var continuation: String?
    }

    struct Link: Encodable {
        var href: String
        var type: String?
    }

    struct Content: Encodable {
        var direction = "ltr"
        var content: String
    }

    struct Origin: Encodable {
        var streamId: String
        var title: String
        var htmlUrl: String
    }

    struct Item: Encodable {
        var id: String
        var crawlTimeMsec: String
        var timestampUsec: String
        var published: Int64
        var updated: Int64
        var title: String
        var author: String?
        var canonical: [Link]
        var alternate: [Link]
        var categories: [String]
        var origin: Origin
        var summary: Content
    }

    struct Stream: Encodable {
        var id: String
        var title: String
        var updated: Int64
        var items: [Item]
        var continuation: String?
    }

    struct QuickAdd: Encodable {
        var numResults: Int
        var query: String
        var streamId: String?
        var streamName: String?
        var error: String?
    }

    static func item(_ item: GReaderItem) -> Item {
        var categories = [GReaderStream.readingList.id]
        if item.read { categories.append(GReaderStream.read.id) }
        if item.starred { categories.append(GReaderStream.starred.id) }
        categories += item.labels.map { GReaderStream.label($0).id }
        let links = item.url.map { [Link(href: $0, type: "text/html")] } ?? []
        return Item(
            id: GReaderItemID.long(item.id), crawlTimeMsec: String(item.crawledMillis), timestampUsec: String(item.crawledMillis * 1000),
            published: item.publishedMillis / 1000, updated: (item.updatedMillis ?? item.publishedMillis) / 1000,
            title: item.title, author: item.author, canonical: links, alternate: links, categories: categories,
            origin: Origin(streamId: GReaderStream.feed(item.feedURL).id, title: item.feedTitle, htmlUrl: item.siteURL ?? ""),
            summary: Content(content: item.html)
        )
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONResponder.encoder.encode(value))
    }
}
