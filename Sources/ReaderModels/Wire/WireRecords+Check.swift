/// A record received from the other side that breaks the contract's text rules: an id
/// outside its character set, or a text over its limit in `WireLimits`.
package struct WireViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, naming the record.
    package var message: String

    /// A violation described by `message`.
    package init(_ message: String) { self.message = message }

    package var description: String { message }
}

extension ChangePage {
    /// Checks every change of a pulled page against `WireLimits` before anything of it is
    /// stored; a server that breaks them is not followed.
    package func check() throws(WireViolation) {
        guard WireText.isID(nextCursor) else { throw WireViolation("next_cursor is not a cursor") }
        if let remaining, remaining < 0 { throw WireViolation("remaining is below 0") }
        if let head, !WireText.isID(head) { throw WireViolation("head is not a cursor") }
        for sequenced in changes {
            try sequenced.change.check()
        }
    }
}

extension PushResponse {
    /// Checks every result of a push answer against `WireLimits`.
    package func check() throws(WireViolation) {
        for result in results {
            guard WireText.isID(result.mutationID) else { throw WireViolation("a result's mutation_id is not an id") }
            switch result.outcome {
            case nil: break
            case .note(let record): try Change.note(record).check()
            case .noteDeleted(let id): try Change.tombstone(.note, id: id).check()
            case .articleState(let record): try Change.articleState(record).check()
            case .subscription(let record): try Change.subscription(record).check()
            }
        }
    }
}

extension Change {
    /// Checks the change's id and every text of its record.
    package func check() throws(WireViolation) {
        let subject = "\(entity.rawValue) \(id.utf8.count > 80 ? String(id.prefix(80)) + "…" : id)"
        func require(_ condition: Bool, _ what: String) throws(WireViolation) {
            guard condition else { throw WireViolation("\(subject): \(what)") }
        }
        switch self {
        case .tombstone(let entity, let id):
            switch entity {
            case .note: try require(WireText.isID(id), "not a note id")
            case .subscription: try require(WireText.isURL(id), "not a feed URL")
            case .source: try require(WireText.isSourceID(id), "not a source id")
            case .article, .articleState: try require(WireText.isArticleID(id), "not an article id")
            }
        case .source(let record):
            try require(WireText.isSourceID(record.id), "not a source id")
            try require(WireText.fits(record.key, WireLimits.maxGUIDBytes), "key over its limit")
            try require(WireText.fits(record.title, WireLimits.maxTitleBytes), "title over its limit")
            try require(
                WireText.fits(record.siteURL, WireLimits.maxURLBytes) && WireText.fits(record.feedURL, WireLimits.maxURLBytes),
                "URL over its limit"
            )
        case .article(let record):
            try require(WireText.isArticleID(record.id) && WireText.isSourceID(record.sourceID), "not an article or source id")
            try require(
                WireText.fits(record.guid, WireLimits.maxGUIDBytes) && WireText.fits(record.url, WireLimits.maxURLBytes)
                    && WireText.fits(record.title, WireLimits.maxTitleBytes)
                    && WireText.fits(record.author, WireLimits.maxAuthorBytes)
                    && WireText.fits(record.summary, WireLimits.maxSummaryBytes)
                    && WireText.fits(record.html, WireLimits.maxHTMLBytes)
                    && WireText.fits(record.text, WireLimits.maxArticleTextBytes),
                "a field over its limit"
            )
            try require(
                WireText.fits(record.contentHash, 64) && WireText.fits(record.publishedAt, WireLimits.maxIDBytes)
                    && WireText.fits(record.updatedAt, WireLimits.maxIDBytes)
                    && WireText.fits(record.firstSeenAt, WireLimits.maxIDBytes),
                "a hash or time over its limit"
            )
        case .articleState(let record):
            try require(WireText.isArticleID(record.articleID), "not an article id")
            try require(WireText.areTags(record.tags), "tags break the tag rules")
        case .note(let record):
            try require(WireText.isID(record.id), "not a note id")
            try require(WireText.isArticleID(record.articleID) || record.articleID.isEmpty, "not an article id")
            try require(WireText.fits(record.body, WireLimits.maxNoteBodyBytes), "body over its limit")
            try require(
                WireText.fits(record.createdAt, WireLimits.maxIDBytes) && WireText.fits(record.updatedAt, WireLimits.maxIDBytes),
                "a time over its limit"
            )
            if let anchor = record.anchor {
                try require(
                    WireText.fits(anchor.exact, WireLimits.maxQuoteBytes)
                        && WireText.fits(anchor.prefix, WireLimits.maxQuoteContextBytes)
                        && WireText.fits(anchor.suffix, WireLimits.maxQuoteContextBytes),
                    "quote over its limit"
                )
            }
        case .subscription(let record):
            try require(WireText.isURL(record.url), "not a feed URL")
            try require(WireText.fits(record.title, WireLimits.maxSubscriptionTitleBytes), "title over its limit")
            try require(WireText.areTags(record.tags), "tags break the tag rules")
        }
    }
}

extension ArticleRecord {
    /// The article with every text cut to its limit in `WireLimits`, at a character
    /// boundary: what the server publishes of an article longer than the contract allows.
    package func clippedToLimits() -> ArticleRecord {
        var record = self
        record.guid = WireText.clipped(guid, WireLimits.maxGUIDBytes)
        record.url = url.map { WireText.clipped($0, WireLimits.maxURLBytes) }
        record.title = WireText.clipped(title, WireLimits.maxTitleBytes)
        record.author = author.map { WireText.clipped($0, WireLimits.maxAuthorBytes) }
        record.summary = summary.map { WireText.clipped($0, WireLimits.maxSummaryBytes) }
        record.html = WireText.clipped(html, WireLimits.maxHTMLBytes)
        record.text = WireText.clipped(text, WireLimits.maxArticleTextBytes)
        return record
    }
}

extension Source {
    /// The source with every text cut to its limit in `WireLimits`.
    package func clippedToLimits() -> Source {
        var record = self
        record.key = WireText.clipped(key, WireLimits.maxGUIDBytes)
        record.title = WireText.clipped(title, WireLimits.maxTitleBytes)
        record.siteURL = siteURL.map { WireText.clipped($0, WireLimits.maxURLBytes) }
        record.feedURL = feedURL.map { WireText.clipped($0, WireLimits.maxURLBytes) }
        return record
    }
}

extension SubscriptionRecord {
    /// The subscription with its title cut to `maxSubscriptionTitleBytes`.
    package func clippedToLimits() -> SubscriptionRecord {
        var record = self
        record.title = title.map { WireText.clipped($0, WireLimits.maxSubscriptionTitleBytes) }
        return record
    }
}
