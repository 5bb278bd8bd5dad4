import ArgumentParser
import ReaderStore

struct UntagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "untag",
        abstract: "Remove tags from an article.",
        discussion: "Tags the article does not have are ignored. The removal syncs to your other devices."
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("The article's id (or a unique prefix of 4+ characters).", valueName: "id")) var id: String
    @Argument(help: ArgumentHelp("Tags to remove.", valueName: "tag")) var tags: [String]

    func validate() throws {
        if tags.isEmpty { throw ValidationError("name at least one tag") }
    }

    func run() throws {
        let store = try store.open()
        let id = try store.resolveArticleID(id)
        let applied = try store.apply(.removeTags(articleID: id, tags: tags))
        try TagCommand.report(store: store, id: id, changed: !applied.mutations.isEmpty, verb: "untagged")
    }
}
