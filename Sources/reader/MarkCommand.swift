import ArgumentParser
import ReaderStore

struct MarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mark",
        abstract: "Mark articles read, unread, starred or unstarred.",
        discussion: "Every id must exist, or nothing is marked."
    )

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case read, unread, star, unstar
    }

    @OptionGroup var store: StoreOptions
    @Argument(help: "read, unread, star or unstar.") var action: Action
    @Argument(help: ArgumentHelp("Article ids (or unique prefixes of 4+ characters).", valueName: "id")) var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("name at least one article id") }
    }

    func run() throws {
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
}
