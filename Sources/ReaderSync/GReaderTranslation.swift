import Foundation
import ReaderFeeds
import ReaderModels

/// A feed the service lists, with the URL that names its subscription here. The service's
/// own id for it (`feed/1` on FreshRSS, `feed/<url>` elsewhere) is only ever used to talk
/// to the service: the subscription's key on every device is the feed's URL.
struct GReaderFeed: Hashable, Sendable {
    var streamID: String
    var url: String
    var title: String?
    var siteURL: String?
    /// The folders the feed is filed under (labels on the subscription).
    var labels: [String]

    /// The source its articles belong to: keyed by the feed URL, as a feed refreshed on
    /// the device would be, so the same feed is one source whichever way it arrives.
    var source: Source {
        Source(
            id: Fingerprint.sourceID(key: url), key: url, kind: .rss, title: title ?? url, siteURL: siteURL, feedURL: url
        ).clippedToLimits()
    }
}

/// Turns the service's answers into the records the engine applies.
enum GReaderTranslation {
    static let readState = "/state/com.google/read"
    static let starredState = "/state/com.google/starred"
    static let readingList = "user/-/state/com.google/reading-list"
    static let starredStream = "user/-/state/com.google/starred"
    static let readStream = "user/-/state/com.google/read"
    /// At most this many feeds in a subscription list.
    static let maxSubscriptions = 10_000

    /// The feeds of `subscription/list`; entries without a usable feed URL are skipped
    /// (the device could not name them), so one odd entry does not stop the sync.
    static func feeds(_ answer: GReaderAnswer.Subscriptions) throws(SyncError) -> [GReaderFeed] {
        let list = answer.subscriptions ?? []
        guard list.count <= maxSubscriptions else {
            throw .protocolViolation("its subscription list holds \(list.count) feeds, more than \(maxSubscriptions)")
        }
        var feeds: [GReaderFeed] = []
        var seen: Set<String> = []
        for entry in list {
            guard let streamID = entry.id, GReaderItemID.isStreamID(streamID) else { continue }
            let url = entry.url ?? (streamID.hasPrefix("feed/") ? String(streamID.dropFirst(5)) : "")
            guard WireText.isURL(url), url.hasPrefix("http://") || url.hasPrefix("https://"), seen.insert(url).inserted else { continue }
            let labels = tags((entry.categories ?? []).compactMap { $0.id ?? $0.label.map { "user/-/label/" + $0 } })
            feeds.append(GReaderFeed(
                streamID: streamID, url: url, title: entry.title.map { WireText.clipped($0, WireLimits.maxSubscriptionTitleBytes) },
                siteURL: entry.htmlUrl.flatMap { WireText.isURL($0) ? $0 : nil }, labels: labels
            ))
        }
        return feeds
    }

    /// The label names among `categories` (`user/<anyone>/label/<name>`), as tags: valid,
    /// sorted, without duplicates, at most `WireLimits.maxTags`.
    static func tags(_ categories: [String]) -> [String] {
        Array(labelNames(categories).prefix(WireLimits.maxTags))
    }

    /// Every valid label name among `categories`, sorted, without duplicates.
    static func labelNames(_ categories: [String]) -> [String] {
        var names: Set<String> = []
        for category in categories {
            guard let range = category.range(of: "/label/"), category.hasPrefix("user/") else { continue }
            let name = String(category[range.upperBound...])
            if WireText.isTag(name) { names.insert(name) }
        }
        return names.sorted()
    }

    /// One item of `stream/items/contents`, as the device will hold it.
    struct Translated {
        var id: GReaderItemID
        var source: Source
        var article: ArticleRecord
        var read: Bool
        var starred: Bool
        var tags: [String]
        /// The service's crawl time, in seconds (0 when it gave none).
        var crawlSeconds: Int64
    }

    /// Translates an item; nil when it has no id this device can use.
    static func item(_ item: GReaderAnswer.Item, feeds: [String: GReaderFeed], now: Date) -> Translated? {
        guard let text = item.id?.text, let id = GReaderItemID(text) else { return nil }
        let categories = (item.categories ?? []).prefix(256)
        let streamID = item.origin?.streamId ?? ""
        let feed = feeds[streamID]
        let source = feed?.source ?? orphanSource(streamID: streamID, origin: item.origin)
        // Folders come back among an item's categories on FreshRSS and Miniflux; they are
        // the feed's, not tags the person put on the article.
        let folders = Set(feed?.labels ?? [])
        let tags = tags(Array(categories)).filter { !folders.contains($0) }
        let crawlMillis = item.crawlTimeMsec?.integer ?? item.timestampUsec?.integer.map { $0 / 1000 }
        let url = (item.canonical?.first?.href ?? item.alternate?.first?.href).flatMap { WireText.isURL($0) ? $0 : nil }
        let title = item.title ?? ""
        let (html, plain) = HTMLText.sanitize(item.summary?.content ?? item.content?.content ?? "")
        let published = item.published?.integer.flatMap(timestamp(seconds:))
        let author = item.author.flatMap { $0.isEmpty ? nil : $0 }
        let hash = Fingerprint.sha256Hex([title, url ?? "", author ?? "", published ?? "", "", html, plain])
        let article = ArticleRecord(
            id: id.articleID, sourceID: source.id, guid: id.longForm, url: url, title: title, author: author,
            publishedAt: published, updatedAt: item.updated?.integer.flatMap(timestamp(seconds:)), summary: nil, html: html, text: plain,
            contentHash: hash, firstSeenAt: crawlMillis.flatMap(timestamp(millis:)) ?? Timestamp.format(now)
        ).clippedToLimits()
        return Translated(
            id: id, source: source, article: article,
            read: categories.contains { $0.hasPrefix("user/") && $0.hasSuffix(readState) },
            starred: categories.contains { $0.hasPrefix("user/") && $0.hasSuffix(starredState) },
            tags: tags, crawlSeconds: max(0, (crawlMillis ?? 0) / 1000)
        )
    }

    /// The source of an item from a feed the person does not follow (a shared item, or a
    /// feed unsubscribed since): keyed by the service's stream id.
    private static func orphanSource(streamID: String, origin: GReaderAnswer.Origin?) -> Source {
        let key = "greader:" + (streamID.isEmpty ? "unknown" : streamID)
        return Source(
            id: Fingerprint.sourceID(key: key), key: key, kind: .rss, title: origin?.title ?? streamID,
            siteURL: origin?.htmlUrl.flatMap { WireText.isURL($0) ? $0 : nil }, feedURL: nil
        ).clippedToLimits()
    }

    /// Years 1970 to 9999: anything else is no date a feed has.
    private static func timestamp(millis: Int64) -> String? {
        guard millis > 0, millis < 253_402_300_800_000 else { return nil }
        return Timestamp.format(millis: millis)
    }

    private static func timestamp(seconds: Int64) -> String? {
        guard seconds > 0, seconds < 253_402_300_800 else { return nil }
        return timestamp(millis: seconds * 1000)
    }
}

extension GReaderItemID {
    /// A stream id as the service names a feed or a label: printable, no spaces, bounded.
    static func isStreamID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= WireLimits.maxURLBytes + 16 && text.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }
}
