/// The hand-written JSON of a change page, the server's one large response: the same
/// document `JSONEncoder` makes of `ChangePage` (a test holds them equal), written straight
/// into ``JSONWriter``'s buffer. It pays for itself: on a page of 1,000 generated articles
/// (7 MB) `reader-bench json` times it at 6.6 ms against `JSONEncoder`'s 39 ms. Here,
/// beside `ChangePage`, so the benchmark runs the server's own code without linking the
/// server.
package enum ChangePageJSON {
    /// The page's JSON. With a `budget`, changes stop once the JSON would pass it (the
    /// first change always goes, whatever its size) and the page then says `has_more`
    /// with the cursor of the last change it carries.
    package static func encode(_ page: ChangePage, budget: Int = .max) -> [UInt8] {
        var writer = JSONWriter(capacity: min(estimatedSize(page), budget) + 1024)
        var page = page
        // What follows the changes: the members after them, with the longest cursor.
        let trailer = 64 + String(Int64.max).utf8.count + page.serverHLC.description.utf8.count
            + (page.remaining == nil ? 0 : 13 + String(Int.max).utf8.count) + (page.head.map { 10 + $0.utf8.count } ?? 0)
        writer.beginObject()
        writer.key("changes")
        writer.beginArray()
        for (index, change) in page.changes.enumerated() {
            let mark = writer.mark
            write(change, to: &writer)
            if index > 0, writer.count + trailer > budget {
                writer.rewind(to: mark)
                page.hasMore = true
                page.nextCursor = String(page.changes[index - 1].seq)
                // The changes cut off come next time: they remain too.
                page.remaining = page.remaining.map { $0 + page.changes.count - index }
                break
            }
        }
        writer.endArray()
        writer.key("has_more")
        writer.bool(page.hasMore)
        writer.key("next_cursor")
        writer.string(page.nextCursor)
        writer.key("server_hlc")
        writer.string(page.serverHLC.description)
        if let remaining = page.remaining {
            writer.key("remaining")
            writer.int(remaining)
        }
        if let head = page.head {
            writer.key("head")
            writer.string(head)
        }
        writer.endObject()
        return writer.bytes
    }

    /// The bytes of text in a change's record: no more than its JSON, so a page read up to
    /// a text budget holds at least what the JSON budget lets through.
    package static func textBytes(_ sequenced: SequencedChange) -> Int {
        func count(_ text: String?) -> Int { text?.utf8.count ?? 0 }
        return switch sequenced.change {
        case .tombstone(_, let id): count(id)
        case .source(let record): count(record.id) + count(record.key) + count(record.title) + count(record.siteURL) + count(record.feedURL)
        case .article(let record):
            count(record.guid) + count(record.url) + count(record.title) + count(record.author) + count(record.summary)
                + count(record.html) + count(record.text) + 128
        case .articleState(let record): record.tags.reduce(count(record.articleID)) { $0 + count($1) }
        case .note(let record):
            count(record.id) + count(record.body) + count(record.anchor?.exact) + count(record.anchor?.prefix)
                + count(record.anchor?.suffix) + count(record.createdAt)
        case .subscription(let record): record.tags.reduce(count(record.url) + count(record.title)) { $0 + count($1) }
        }
    }

    /// Roughly the encoded size, so the buffer grows at most once or twice.
    private static func estimatedSize(_ page: ChangePage) -> Int {
        var size = 128
        for change in page.changes {
            if case .article(let article) = change.change {
                size += article.html.utf8.count + article.text.utf8.count + (article.summary?.utf8.count ?? 0) + 512
            } else {
                size += 512
            }
        }
        return size
    }

    private static func write(_ sequenced: SequencedChange, to writer: inout JSONWriter) {
        let change = sequenced.change
        writer.beginObject()
        writer.key("seq")
        writer.int(sequenced.seq)
        writer.key("entity")
        writer.string(change.entity.rawValue)
        writer.key("id")
        writer.string(change.id)
        writer.key("deleted")
        if case .tombstone = change {
            writer.bool(true)
        } else {
            writer.bool(false)
            writer.key("record")
        }
        switch change {
        case .tombstone: break
        case .source(let record): write(record, to: &writer)
        case .article(let record): write(record, to: &writer)
        case .articleState(let record): write(record, to: &writer)
        case .note(let record): write(record, to: &writer)
        case .subscription(let record): write(record, to: &writer)
        }
        writer.endObject()
    }

    private static func write(_ record: SourceRecord, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("id", record.id)
        writer.member("key", record.key)
        writer.member("kind", record.kind.rawValue)
        writer.member("title", record.title)
        writer.member("site_url", record.siteURL)
        writer.member("feed_url", record.feedURL)
        writer.endObject()
    }

    private static func write(_ record: ArticleRecord, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("id", record.id)
        writer.member("source_id", record.sourceID)
        writer.member("guid", record.guid)
        writer.member("url", record.url)
        writer.member("title", record.title)
        writer.member("author", record.author)
        writer.member("published_at", record.publishedAt)
        writer.member("updated_at", record.updatedAt)
        writer.member("summary", record.summary)
        writer.member("html", record.html)
        writer.member("text", record.text)
        writer.member("content_hash", record.contentHash)
        writer.member("first_seen_at", record.firstSeenAt)
        writer.endObject()
    }

    private static func write(_ record: ArticleStateRecord, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("article_id", record.articleID)
        writer.key("read")
        writer.bool(record.read)
        writer.key("starred")
        writer.bool(record.starred)
        writer.key("progress")
        writer.double(record.progress)
        writer.key("tags")
        writer.stringArray(record.tags)
        writer.key("hlc")
        writer.beginObject()
        writer.member("read", record.hlc.read?.description)
        writer.member("starred", record.hlc.starred?.description)
        writer.member("progress", record.hlc.progress?.description)
        writer.member("tags", record.hlc.tags?.description)
        writer.endObject()
        writer.endObject()
    }

    private static func write(_ record: NoteRecord, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("id", record.id)
        writer.member("article_id", record.articleID)
        if let anchor = record.anchor {
            writer.key("anchor")
            writer.beginObject()
            writer.member("exact", anchor.exact)
            writer.member("prefix", anchor.prefix)
            writer.member("suffix", anchor.suffix)
            writer.endObject()
        }
        writer.member("body", record.body)
        writer.member("created_at", record.createdAt)
        writer.member("updated_at", record.updatedAt)
        writer.key("revision")
        writer.int(record.revision)
        writer.key("conflicted")
        writer.bool(record.conflicted)
        writer.member("body_hlc", record.bodyHLC.description)
        writer.member("anchor_hlc", record.anchorHLC?.description)
        writer.endObject()
    }

    private static func write(_ record: SubscriptionRecord, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("url", record.url)
        writer.member("title", record.title)
        writer.key("tags")
        writer.stringArray(record.tags)
        writer.key("subscribed")
        writer.bool(record.subscribed)
        writer.member("hlc", record.hlc.description)
        writer.endObject()
    }
}
