import ArgumentParser
import ReaderStore

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Add tags to an article, keeping those it has.",
        discussion: """
            An article has at most 32 tags of at most 64 bytes each, without control characters. \
            Tags sync to your other devices; `reader articles list --tag TAG` lists an article by its tag.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("The article's id (or a unique prefix of 4+ characters).", valueName: "id")) var id: String
    @Argument(help: ArgumentHelp("Tags to add.", valueName: "tag")) var tags: [String]

    func validate() throws {
        if tags.isEmpty { throw ValidationError("name at least one tag") }
    }

    func run() throws {
        let store = try store.open()
        let id = try store.resolveArticleID(id)
        let applied = try store.apply(.addTags(articleID: id, tags: tags))
        try TagCommand.report(store: store, id: id, changed: !applied.mutations.isEmpty, verb: "tagged")
    }

    /// One line: what the article's tags are now, or that nothing changed.
    static func report(store: ReaderStore, id: String, changed: Bool, verb: String) throws {
        let tags = try store.article(id: id).state.tags
        let now = tags.isEmpty ? "no tags" : "tags: " + tags.joined(separator: ", ")
        print(changed ? "\(verb) \(Output.short(id)); \(now)" : "\(Output.short(id)) unchanged; \(now)")
    }
}
