import Foundation
import ReaderHTTP
import ReaderModels
import ReaderStore

extension GReaderSyncBackend {
    /// Items crawled this long before the newest one of the last sync are asked for
    /// again: one the service stored late, with an older crawl time, is not missed.
    static let overlapSeconds: Int64 = 120
    /// The most ids a reconciliation reads of one state (unread, starred); a longer list
    /// leaves that state as it is this time rather than reading without end.
    static let maxReconcileIDs = 200_000

    public func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
        // No cursor, or one this backend did not write (the account changed): start over.
        let position = cursor.flatMap(GReaderCursor.init) ?? .done(since: 0)
        switch position {
        case .done(let since):
            return .page(try await subscriptionsPage(next: .items(since: since, newest: since, continuation: nil)))
        case .items(let since, let newest, let continuation, let pages, let skip):
            return .page(try await itemsPage(
                since: since, newest: newest, continuation: continuation, pages: pages, skip: skip, limit: limit
            ))
        case .reconcile(let newest):
            return .page(try await reconcilePage(next: .done(since: newest)))
        }
    }

    // MARK: Subscriptions

    /// The service's feeds as subscriptions (and sources), and a removal for each feed
    /// followed here that the service no longer lists.
    private func subscriptionsPage(next: GReaderCursor) async throws(SyncError) -> ChangePage {
        let feeds = try await feeds(refresh: true)
        let stamp = stamp()
        var changes: [Change] = []
        for feed in feeds {
            changes.append(.source(feed.source))
            changes.append(.subscription(SubscriptionRecord(url: feed.url, title: feed.title, tags: feed.labels, subscribed: true, hlc: stamp)))
        }
        let listed = Set(feeds.map(\.url))
        for followed in try await local({ try await store.async.feedSubscriptions() }) where !listed.contains(followed.url) {
            changes.append(.subscription(SubscriptionRecord(url: followed.url, title: followed.title, tags: followed.tags, subscribed: false, hlc: stamp)))
        }
        return page(changes, next: next, hasMore: true)
    }

    // MARK: New items

    private func itemsPage(
        since: Int64, newest: Int64, continuation: String?, pages: Int, skip: Int, limit: Int
    ) async throws(SyncError) -> ChangePage {
        // A service whose continuations go on for ever (A, B, A… or a fresh token each
        // time) is stopped here: the page count lives in the cursor, so a sync killed and
        // started again does not reset it.
        guard pages < maxItemPages else {
            throw .protocolViolation("its reading list went on past \(maxItemPages) pages of item ids")
        }
        if pages == 0 && skip == 0 { pass.seen.withLock { $0 = [] } }
        let count = min(max(1, limit), Self.maxIDsPerPage)
        var query = [("s", GReaderTranslation.readingList), ("n", String(count))]
        // The overlap is taken here, not stored: syncs that find nothing new keep asking
        // from the same time instead of drifting back.
        if since > 0 { query.append(("ot", String(max(0, since - Self.overlapSeconds)))) }
        if let continuation { query.append(("c", continuation)) }
        let (listed, nextContinuation) = try await itemIDs(query: query, max: count)
        // The rest of a page cut short by its bytes is asked for again, its applied ids skipped.
        let ids = Array(listed.dropFirst(skip))
        // A continuation can come with a full page that is the last: the next is empty.
        guard !ids.isEmpty else { return page([], next: .reconcile(newest: newest), hasMore: true) }
        if let nextContinuation, nextContinuation == continuation {
            throw .protocolViolation("its continuation did not move after a page of items")
        }
        // A page with no id not already read in this pass adds nothing: the list is over,
        // whatever its continuation says (a cycle of continuations, or fresh tokens over
        // the same ids). The ids are kept in memory only; after a restart the page bound
        // still holds.
        let fresh = pass.seen.withLock { seen in ids.filter { !seen.contains($0) } }
        guard !fresh.isEmpty else { return page([], next: .reconcile(newest: newest), hasMore: true) }
        // The page ends early once its answers pass `maxPageAnswerBytes`; the rest of its
        // ids are read again from the same continuation, `skip` further in.
        let (translated, taken) = try await contents(of: fresh, maxBytes: maxPageAnswerBytes)
        let takenIDs = fresh.prefix(taken)
        pass.seen.withLock { seen in seen.formUnion(takenIDs) }
        let consumed = takenIDs.last.flatMap { last in ids.firstIndex(of: last).map { $0 + 1 } } ?? ids.count
        let locals = try await local { try await store.async.localStates(articleIDs: translated.map(\.article.id)) }
        let stamp = stamp()
        var changes: [Change] = []
        var sources: Set<String> = []
        var newestSeen = newest
        // A crawl time from the future (a broken clock, a hostile service) would make every
        // later sync ask for items newer than it, and get none: it does not move `ot`.
        let ceiling = Int64(now().timeIntervalSince1970) + 86_400
        for item in translated {
            if sources.insert(item.source.id).inserted { changes.append(.source(item.source)) }
            changes.append(.article(item.article))
            // The device's progress is kept: the service has none to give.
            let local = locals[item.article.id]
            changes.append(.articleState(ArticleStateRecord(
                articleID: item.article.id, read: item.read, starred: item.starred, progress: local?.progress ?? 0, tags: item.tags,
                hlc: StateStamps(read: stamp, starred: stamp, progress: local?.hlc.progress, tags: stamp)
            )))
            if item.crawlSeconds <= ceiling { newestSeen = max(newestSeen, item.crawlSeconds) }
        }
        let next: GReaderCursor
        if taken < fresh.count {
            next = .items(since: since, newest: newestSeen, continuation: continuation, pages: pages, skip: skip + consumed)
        } else {
            next = nextContinuation.map { .items(since: since, newest: newestSeen, continuation: $0, pages: pages + 1) }
                ?? .reconcile(newest: newestSeen)
        }
        return page(changes, next: next, hasMore: true)
    }

    /// One page of `stream/items/ids`: its ids and its continuation (nil when it has none).
    func itemIDs(query: [(String, String)], max: Int) async throws(SyncError) -> ([GReaderItemID], String?) {
        let response = try await connection.get("reader/api/0/stream/items/ids", query: query, maxBytes: Self.listAnswerBytes)
        let answer = try Self.decode(GReaderAnswer.ItemRefs.self, response, what: "item ids")
        let refs = answer.itemRefs ?? []
        guard refs.count <= max else {
            throw .protocolViolation("it answered \(refs.count) item ids where at most \(max) were asked for")
        }
        var ids: [GReaderItemID] = []
        for ref in refs {
            guard let text = ref.id?.text, let id = GReaderItemID(text) else {
                throw .protocolViolation("it listed an item id that is not one: \(String((ref.id?.text ?? "(none)").prefix(40)))")
            }
            ids.append(id)
        }
        let continuation = answer.continuation?.text.trimmingCharacters(in: .whitespaces)
        if let continuation, continuation.utf8.count > GReaderCursor.maxContinuationBytes {
            throw .protocolViolation("its continuation is over \(GReaderCursor.maxContinuationBytes) bytes")
        }
        return (ids, continuation.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The items of `ids`, fetched `idsPerRequest` at a time; ids the service no longer has
    /// are left out, as it leaves them out.
    func contents(of ids: [GReaderItemID]) async throws(SyncError) -> [GReaderTranslation.Translated] {
        try await contents(of: ids, maxBytes: nil).items
    }

    /// As ``contents(of:)``; with `maxBytes`, stops after the request whose answer brings
    /// the answers' total to it or past. `taken` is how many of `ids` were asked for.
    func contents(
        of ids: [GReaderItemID], maxBytes: Int?
    ) async throws(SyncError) -> (items: [GReaderTranslation.Translated], taken: Int) {
        let feeds = Dictionary(try await feeds().map { ($0.streamID, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [GReaderTranslation.Translated] = []
        var start = 0
        var bytes = 0
        while start < ids.count {
            if let maxBytes, bytes >= maxBytes { break }
            let chunk = ids[start..<min(start + Self.idsPerRequest, ids.count)]
            start += chunk.count
            let response = try await connection.postRead(
                "reader/api/0/stream/items/contents", form: chunk.map { ("i", $0.longForm) }, maxBytes: Self.contentsAnswerBytes
            )
            bytes += response.body.count
            let items = try Self.decode(GReaderAnswer.Contents.self, response, what: "items").items ?? []
            guard items.count <= chunk.count else {
                throw .protocolViolation("it answered \(items.count) items where \(chunk.count) were asked for")
            }
            let asked = Set(chunk)
            let now = now()
            for item in items {
                guard let translated = GReaderTranslation.item(item, feeds: feeds, now: now) else {
                    throw .protocolViolation("it sent an item without a usable id")
                }
                if asked.contains(translated.id) { result.append(translated) }
            }
        }
        return (result, start)
    }

    // MARK: State of older items

    /// Compares the service's unread, starred and label lists with what the device holds,
    /// and sends a state for each article whose read, starred or tags differ. A field with
    /// a pending edit here is left alone by the store when the page is applied.
    private func reconcilePage(next: GReaderCursor) async throws(SyncError) -> ChangePage {
        let unread = try await allIDs(stream: GReaderTranslation.readingList, excluding: GReaderTranslation.readStream)
        let starred = try await allIDs(stream: GReaderTranslation.starredStream, excluding: nil)
        let labels = try await labelsByArticle()
        let held = try await local { try await store.async.heldStates(guidPrefix: GReaderItemID.longPrefix) }
        var differing: [String: (read: Bool?, starred: Bool?, tags: [String]?)] = [:]
        for article in held {
            let read = unread.map { !$0.contains(article.articleID) }
            let star = starred.map { $0.contains(article.articleID) }
            let tags = labels.map { $0[article.articleID] ?? [] }
            let newRead = read.flatMap { $0 == article.read ? nil : $0 }
            let newStar = star.flatMap { $0 == article.starred ? nil : $0 }
            let newTags = tags.flatMap { $0 == article.tags.sorted() ? nil : $0 }
            if newRead != nil || newStar != nil || newTags != nil { differing[article.articleID] = (newRead, newStar, newTags) }
        }
        let locals = try await local { try await store.async.localStates(articleIDs: Array(differing.keys)) }
        let stamp = stamp()
        var changes: [Change] = []
        for (id, change) in differing.sorted(by: { $0.key < $1.key }) {
            guard var record = locals[id] else { continue }
            if let read = change.read { record.read = read; record.hlc.read = stamp }
            if let star = change.starred { record.starred = star; record.hlc.starred = stamp }
            if let tags = change.tags { record.tags = tags; record.hlc.tags = stamp }
            changes.append(.articleState(record))
        }
        return page(changes, next: next, hasMore: false)
    }

    /// The most labels whose items a reconciliation reads.
    static let maxLabels = 250

    /// The labels the service has on each article (folders left out: they are the feeds'),
    /// each article's sorted; nil when the lists are longer than a reconciliation reads
    /// (more than `maxLabels` labels, or more than `maxLabelIDs` ids across all labels
    /// together, so memory stays bounded whatever the account), which leaves tags as they
    /// are this time.
    private func labelsByArticle() async throws(SyncError) -> [String: [String]]? {
        let response = try await connection.get("reader/api/0/tag/list", maxBytes: Self.listAnswerBytes)
        let tags = try Self.decode(GReaderAnswer.Tags.self, response, what: "tag list").tags ?? []
        let folders = Set(try await feeds().flatMap(\.labels))
        let names = GReaderTranslation.labelNames(tags.filter { $0.type != "folder" }.compactMap(\.id)).filter { !folders.contains($0) }
        guard tags.count <= Self.maxReconcileIDs, names.count <= Self.maxLabels else { return nil }
        var labels: [String: [String]] = [:]
        var total = 0
        for name in names {
            guard let ids = try await allIDs(stream: "user/-/label/" + name, excluding: nil) else { return nil }
            total += ids.count
            if total > maxLabelIDs { return nil }
            for id in ids { labels[id, default: []].append(name) }
        }
        return labels.mapValues { Array($0.sorted().prefix(WireLimits.maxTags)) }
    }

    /// Every article id of a stream, following continuations; nil when the stream holds
    /// more than `maxReconcileIDs`.
    private func allIDs(stream: String, excluding: String?) async throws(SyncError) -> Set<String>? {
        var ids: Set<String> = []
        var continuation: String?
        var pages = 0
        repeat {
            var query = [("s", stream), ("n", String(Self.maxIDsPerPage))]
            if let excluding { query.append(("xt", excluding)) }
            if let continuation { query.append(("c", continuation)) }
            let (page, next) = try await itemIDs(query: query, max: Self.maxIDsPerPage)
            if page.isEmpty { break }
            for id in page { ids.insert(id.articleID) }
            if ids.count > Self.maxReconcileIDs { return nil }
            if let next, next == continuation { throw .protocolViolation("its continuation did not move after a page of ids") }
            continuation = next
            pages += 1
            // Pages that each add nothing new would otherwise go on for ever.
            if pages > Self.maxReconcileIDs / Self.maxIDsPerPage + 1 { return nil }
        } while continuation != nil
        return ids
    }

    private func page(_ changes: [Change], next: GReaderCursor, hasMore: Bool) -> ChangePage {
        ChangePage(
            changes: changes.enumerated().map { SequencedChange(seq: Int64($0.offset + 1), change: $0.element) },
            nextCursor: next.text, hasMore: hasMore, serverHLC: stamp()
        )
    }
}
