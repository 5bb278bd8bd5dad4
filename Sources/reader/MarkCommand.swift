import ArgumentParser
import Foundation
import ReaderStore

struct MarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mark",
        abstract: "Mark articles read, unread, starred or unstarred.",
        discussion: """
            Every id must exist, or nothing is marked.

            `mark read --all` marks every unread article read, in one transaction, or only those of one \
            feed (--feed: an id that `reader feeds list` or `reader articles show` prints, or a feed URL) and/or dated before a \
            day or instant (--before YYYY-MM-DD, the start of that day in UTC, or RFC 3339). An \
            article's date is the one `articles list` shows and sorts by: when it was \
            published, or, when the feed gave no date, when it arrived.
            """
    )

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case read, unread, star, unstar
    }

    @OptionGroup var store: StoreOptions
    @Argument(help: "read, unread, star or unstar.") var action: Action
    @Argument(help: ArgumentHelp("Article ids (or unique prefixes of 4+ characters).", valueName: "id")) var ids: [String] = []
    @Flag(help: "With `read`: every unread article (narrowed by --feed and --before).") var all = false
    @Option(help: ArgumentHelp("With --all: only this feed's articles (its id or URL).", valueName: "id")) var feed: String?
    @Option(help: ArgumentHelp("With --all: only articles dated before this (YYYY-MM-DD or RFC 3339).", valueName: "date"))
    var before: String?

    func validate() throws {
        if all {
            if action != .read { throw ValidationError("--all works with `mark read` only") }
            if !ids.isEmpty { throw ValidationError("give article ids or --all, not both") }
        } else {
            if feed != nil || before != nil { throw ValidationError("--feed and --before go with --all") }
            if ids.isEmpty { throw ValidationError("name at least one article id, or --all") }
        }
    }

    func run() throws {
        if all { return try markAllRead() }
        let store = try store.open()
        let resolved = try ids.map(store.resolveArticleID)
        let edit: LocalEdit = switch action {
        case .read: .setRead(articleIDs: resolved, read: true)
        case .unread: .setRead(articleIDs: resolved, read: false)
        case .star: .setStarred(articleIDs: resolved, starred: true)
        case .unstar: .setStarred(articleIDs: resolved, starred: false)
        }
        try store.apply(edit)
        let done = switch action {
        case .read: "read"
        case .unread: "unread"
        case .star: "starred"
        case .unstar: "unstarred"
        }
        print("marked \(resolved.count) article\(resolved.count == 1 ? "" : "s") \(done)")
    }

    private func markAllRead() throws {
        // Everything is checked before anything is written: a bad date or feed marks nothing.
        let date = try before.map { try DateArgument.parse($0, option: "--before") }
        let store = try store.open()
        let feedID = try feed.map(store.resolveFeedID)
        let count = try store.apply(.markAllRead(feedID: feedID, before: date)).mutations.count
        print("marked \(count) article\(count == 1 ? "" : "s") read")
    }
}
