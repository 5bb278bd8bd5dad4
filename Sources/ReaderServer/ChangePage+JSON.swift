import ReaderModels

/// The hand-written JSON of a change page, the one large response: the same document
/// `JSONEncoder` makes of `ChangePage` (a test holds them equal), several times faster.
enum ChangePageJSON {
    static func encode(_ page: ChangePage) -> [UInt8] {
        var writer = JSONWriter(capacity: estimatedSize(page))
        writer.beginObject()
        writer.key("changes")
        writer.beginArray()
        for change in page.changes { write(change, to: &writer) }
        writer.endArray()
        writer.key("has_more")
        writer.bool(page.hasMore)
        writer.key("next_cursor")
        writer.string(page.nextCursor)
        writer.key("server_hlc")
        writer.string(page.serverHLC.description)
        writer.endObject()
        return writer.bytes
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

    static func write(_ sequenced: SequencedChange, to writer: inout JSONWriter) {
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

    static func write(_ record: SourceRecord, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("id", record.id)
        writer.member("key", record.key)
        writer.member("kind", record.kind.rawValue)
        writer.member("title", record.title)
        writer.member("site_url", record.siteURL)
        writer.member("feed_url", record.feedURL)
        writer.endObject()
    }

    static func write(_ record: ArticleRecord, to writer: inout JSONWriter) {
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

    static func write(_ record: ArticleStateRecord, to writer: inout JSONWriter) {
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

    static func write(_ record: NoteRecord, to writer: inout JSONWriter) {
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

    static func write(_ record: SubscriptionRecord, to writer: inout JSONWriter) {
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
