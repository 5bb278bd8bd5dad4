import ReaderModels

/// What reading a whole feed file found besides its articles.
public struct FeedReadResult: Sendable, Hashable {
    /// The format that was read.
    public var format: FeedFormat
    /// The articles' source as the whole document describes it: a channel title that comes
    /// after the items is in it, though the articles handed on before it carry the title
    /// known then. Nil when the document had no entries.
    public var source: SourceDraft?
    /// Entries left out, grouped by reason, in the order the reasons were first met.
    public var skipped: [SkippedEntries]

    /// Creates a result.
    public init(format: FeedFormat, source: SourceDraft?, skipped: [SkippedEntries] = []) {
        self.format = format
        self.source = source
        self.skipped = skipped
    }
}

/// Counts the entries a reader leaves out, by reason, keeping the first of each.
struct SkipTally {
    private(set) var groups: [SkippedEntries] = []

    mutating func add(_ reason: SkippedEntries.Reason, line: Int?, detail: String) {
        if let index = groups.firstIndex(where: { $0.reason == reason }) {
            groups[index].count += 1
        } else {
            groups.append(SkippedEntries(reason: reason, count: 1, firstLine: line, detail: detail))
        }
    }
}
