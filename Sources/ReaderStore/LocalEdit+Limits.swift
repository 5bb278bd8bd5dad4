import Foundation
import ReaderModels

extension LocalEdit {
    /// Refuses an edit the server would refuse for its size or characters (`WireLimits`),
    /// so nothing goes into the outbox that could never sync.
    ///
    /// - Throws: `StoreError.tooLong` for a text over its limit, `invalidValue` for a tag
    ///   or a feed URL with characters the contract does not allow.
    func checkLimits() throws(StoreError) {
        switch self {
        case .addNote(_, let body, let quote):
            try Self.limit(body, WireLimits.maxNoteBodyBytes, "the note's text")
            if let quote { try Self.limit(quote, WireLimits.maxQuoteBytes, "the quoted passage") }
        case .editNote(_, let body):
            try Self.limit(body, WireLimits.maxNoteBodyBytes, "the note's text")
        case .setTags(_, let tags):
            try Self.checkTags(EditSession.normalizedTags(tags))
        case .subscribe(let url, _, let tags):
            try Self.checkURL(url)
            // A server refuses any other subscription for good (invalid_feed_url), so it would
            // only sit in the outbox as a rejection. (Unsubscribing from such a URL, kept by an
            // earlier version, stays possible.)
            if let problem = WireText.feedURLProblem(url) { throw .invalidValue("the feed URL \(problem)") }
            try Self.checkTags(EditSession.normalizedTags(tags))
        case .unsubscribe(let url):
            try Self.checkURL(url)
        case .addTags(_, let tags), .removeTags(_, let tags):
            guard !tags.isEmpty else { throw .invalidValue("name at least one tag") }
            // A list set whole drops its blank tags; a tag named on its own that is blank is a mistake worth saying.
            if tags.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                throw .invalidValue("a tag cannot be empty")
            }
            let normalized = EditSession.normalizedTags(tags)
            try Self.checkTags(normalized)
        case .setRead, .setStarred, .setProgress, .deleteNote, .markAllRead:
            break
        }
    }

    private static func limit(_ text: String, _ limit: Int, _ what: String) throws(StoreError) {
        let bytes = text.utf8.count
        guard bytes <= limit else { throw .tooLong(what: what, bytes: bytes, limit: limit) }
    }

    private static func checkTags(_ tags: [String]) throws(StoreError) {
        guard tags.count <= WireLimits.maxTags else {
            throw .invalidValue("at most \(WireLimits.maxTags) tags, not \(tags.count)")
        }
        for tag in tags {
            try limit(tag, WireLimits.maxTagBytes, "the tag \u{201C}\(tag.prefix(40))\u{201D}")
            guard WireText.isTag(tag) else { throw .invalidValue("a tag cannot hold control characters") }
        }
    }

    private static func checkURL(_ url: String) throws(StoreError) {
        try limit(url, WireLimits.maxURLBytes, "the feed URL")
        guard WireText.isURL(url) else {
            throw .invalidValue("a feed URL cannot be empty or hold spaces or control characters")
        }
    }
}
