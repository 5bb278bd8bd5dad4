import Foundation
import ReaderModels
import ReaderStore

extension GReaderSyncBackend {
    /// Sends a batch: subscription edits one by one, in order; read, star and tag edits as
    /// `edit-tag` requests, each article's last value per field; notes and progress
    /// nowhere (GReader has none), answered with the device's own copy so settling keeps it.
    ///
    /// Every request is idempotent (a label added or removed, a feed followed or left), so
    /// a batch sent again after a failure has the effect of one.
    public func push(_ request: PushRequest) async throws(SyncError) -> PushResponse {
        var results: [String: MutationResult] = [:]
        // The service's list is read once per batch and kept up to date as the batch edits it.
        if request.mutations.contains(where: { $0.entity == .subscription }) { _ = try await feeds(refresh: true) }
        for mutation in request.mutations where mutation.entity == .subscription {
            results[mutation.id] = try await pushSubscription(mutation)
        }
        let states = request.mutations.filter { $0.entity == .articleState }
        if !states.isEmpty {
            try await pushStates(states)
            let locals = try await local { try await store.async.localStates(articleIDs: states.map(\.entityID)) }
            for mutation in states {
                let record = locals[mutation.entityID] ?? Self.record(from: mutation)
                results[mutation.id] = MutationResult(mutationID: mutation.id, status: .applied, outcome: .articleState(record), error: nil)
            }
        }
        for mutation in request.mutations where mutation.entity == .note {
            let outcome: MutationOutcome
            if mutation.op == .delete {
                outcome = .noteDeleted(id: mutation.entityID)
            } else if let note = try await local({ try await store.async.localNoteRecord(id: mutation.entityID) }) {
                outcome = .note(note)
            } else {
                outcome = .noteDeleted(id: mutation.entityID)
            }
            results[mutation.id] = MutationResult(mutationID: mutation.id, status: .applied, outcome: outcome, error: nil)
        }
        let ordered = request.mutations.compactMap { results[$0.id] }
        guard ordered.count == request.mutations.count else { throw .protocolViolation("a mutation of the batch has no answer") }
        return PushResponse(results: ordered, serverHLC: stamp())
    }

    // MARK: Read, starred, tags

    /// Sends the edits. When the service leaves out of `stream/items/contents` an item whose
    /// labels were edited, it has not said the item is gone (GReader services leave unknown
    /// and momentarily missing ids out alike): the batch fails as temporary and stays in the
    /// outbox, every request of it idempotent, rather than the edit being reported applied
    /// and later overwritten by a reconciliation.
    private func pushStates(_ mutations: [WireMutation]) async throws(SyncError) {
        // The batch is oldest first: the last value of a field is the one that counts.
        var read: [String: Bool] = [:], starred: [String: Bool] = [:], tags: [String: [String]] = [:]
        for mutation in mutations {
            if case .bool(let value)? = mutation.fields["read"] { read[mutation.entityID] = value }
            if case .bool(let value)? = mutation.fields["starred"] { starred[mutation.entityID] = value }
            if case .array(let values)? = mutation.fields["tags"] {
                tags[mutation.entityID] = values.compactMap { if case .string(let tag) = $0 { tag } else { nil } }
            }
        }
        let guids = try await local { try await store.async.guids(articleIDs: mutations.map(\.entityID)) }
        func ids(_ articles: some Sequence<String>) -> [GReaderItemID] {
            articles.sorted().compactMap { GReaderItemID(guid: guids[$0]) }
        }
        let readState = "user/-/state/com.google/read", starredState = "user/-/state/com.google/starred"
        try await editTag(add: readState, ids(read.filter(\.value).keys))
        try await editTag(remove: readState, ids(read.filter { !$0.value }.keys))
        try await editTag(add: starredState, ids(starred.filter(\.value).keys))
        try await editTag(remove: starredState, ids(starred.filter { !$0.value }.keys))
        guard !tags.isEmpty else { return }
        // The service's labels now, to know which to add and which to take off.
        let current = Dictionary(
            try await contents(of: ids(tags.keys)).map { ($0.article.id, Set($0.tags)) }, uniquingKeysWith: { first, _ in first }
        )
        var adds: [String: [String]] = [:], removes: [String: [String]] = [:]
        let missing = tags.keys.filter { current[$0] == nil && GReaderItemID(guid: guids[$0]) != nil }
        guard missing.isEmpty else {
            throw .temporary(.badResponse(detail: "the service left out \(missing.count) item(s) whose labels were edited; the edits stay queued"))
        }
        for (article, wanted) in tags {
            guard let now = current[article] else { continue } // its guid is not a GReader item id
            for label in Set(wanted).subtracting(now) { adds[label, default: []].append(article) }
            for label in now.subtracting(wanted) { removes[label, default: []].append(article) }
        }
        for (label, articles) in adds.sorted(by: { $0.key < $1.key }) { try await editTag(add: "user/-/label/" + label, ids(articles)) }
        for (label, articles) in removes.sorted(by: { $0.key < $1.key }) { try await editTag(remove: "user/-/label/" + label, ids(articles)) }
    }

    private func editTag(add: String? = nil, remove: String? = nil, _ ids: [GReaderItemID]) async throws(SyncError) {
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + Self.idsPerRequest, ids.count)]
            start += chunk.count
            var form = chunk.map { ("i", $0.longForm) }
            if let add { form.append(("a", add)) }
            if let remove { form.append(("r", remove)) }
            _ = try await connection.postWrite("reader/api/0/edit-tag", form: form)
        }
    }

    /// The state a mutation describes, for an article the device no longer holds.
    private static func record(from mutation: WireMutation) -> ArticleStateRecord {
        var record = ArticleStateRecord(articleID: mutation.entityID, read: false, starred: false, progress: 0, tags: [], hlc: StateStamps())
        if case .bool(let value)? = mutation.fields["read"] { record.read = value; record.hlc.read = mutation.hlc }
        if case .bool(let value)? = mutation.fields["starred"] { record.starred = value; record.hlc.starred = mutation.hlc }
        if case .number(let value)? = mutation.fields["progress"] { record.progress = min(max(value, 0), 1); record.hlc.progress = mutation.hlc }
        if case .array(let values)? = mutation.fields["tags"] {
            record.tags = Array(Set(values.compactMap { if case .string(let tag) = $0 { tag } else { nil } }).sorted())
            record.hlc.tags = mutation.hlc
        }
        return record
    }

    // MARK: Subscriptions

    /// Follows, leaves, renames or relabels one feed. A feed the service will not follow
    /// is a rejected mutation with its reason, as a native server rejects one.
    private func pushSubscription(_ mutation: WireMutation) async throws(SyncError) -> MutationResult {
        let url = mutation.entityID
        var subscribed = true
        if case .bool(let value)? = mutation.fields["subscribed"] { subscribed = value }
        var title: String?
        if case .string(let value)? = mutation.fields["title"] { title = value }
        var tags: [String] = []
        if case .array(let values)? = mutation.fields["tags"] {
            tags = Array(Set(values.compactMap { if case .string(let tag) = $0 { tag } else { nil } }).sorted())
        }
        let record = SubscriptionRecord(url: url, title: title, tags: tags, subscribed: subscribed, hlc: mutation.hlc)
        let applied = MutationResult(mutationID: mutation.id, status: .applied, outcome: .subscription(record), error: nil)
        var feed = try await feeds().first { $0.url == url }
        guard subscribed else {
            if let feed {
                _ = try await connection.postWrite("reader/api/0/subscription/edit", form: [("ac", "unsubscribe"), ("s", feed.streamID)])
                feedCache.feeds.withLock { $0?.removeAll { $0.url == url } }
            }
            return applied
        }
        if feed == nil {
            let response = try await connection.postWrite("reader/api/0/subscription/quickadd", form: [("quickadd", url)])
            // Some services answer a failure with 200 and numResults 0.
            let answer = try Self.decode(GReaderAnswer.QuickAdd.self, response, what: "quickadd")
            guard let stream = answer.streamId, GReaderItemID.isStreamID(stream), answer.numResults?.integer != 0 else {
                let reason = WireText.clipped(answer.error ?? "it found no feed there", 300)
                return MutationResult(
                    mutationID: mutation.id, status: .rejected, outcome: nil,
                    error: APIErrorBody(code: .invalidFeedURL, message: "the service did not subscribe: \(reason)")
                )
            }
            let added = GReaderFeed(streamID: stream, url: url, title: nil, siteURL: nil, labels: [])
            feedCache.feeds.withLock { $0?.append(added) }
            feed = added
        }
        guard let feed else { return applied }
        var form = [("ac", "edit"), ("s", feed.streamID)]
        if let title, title != feed.title { form.append(("t", title)) }
        for label in Set(tags).subtracting(feed.labels).sorted() { form.append(("a", "user/-/label/" + label)) }
        for label in Set(feed.labels).subtracting(tags).sorted() { form.append(("r", "user/-/label/" + label)) }
        if form.count > 2 {
            _ = try await connection.postWrite("reader/api/0/subscription/edit", form: form)
            let streamID = feed.streamID
            feedCache.feeds.withLock { feeds in
                guard let index = feeds?.firstIndex(where: { $0.streamID == streamID }) else { return }
                if let title { feeds?[index].title = title }
                feeds?[index].labels = tags
            }
        }
        return applied
    }
}
