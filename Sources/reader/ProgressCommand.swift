import ArgumentParser
import ReaderStore

struct ProgressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Set how far an article has been read, from 0 (not started) to 1 (the end).",
        usage: "reader progress [--db <path>] <id> <fraction>",
        discussion: "The fraction syncs to your other devices. Anything but a number from 0 to 1 is refused (exit 7)."
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("The article's id (or a unique prefix of 4+ characters).", valueName: "id")) var id: String
    // Text, not a Double, so that a bad value is one line and exit 7 like every other bad
    // value; and taken as unrecognized input, so that `-0.5` is refused for its range instead
    // of being read as an unknown option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("How far it has been read: 0, 0.25, 1 …", valueName: "fraction"))
    var values: [String] = []

    var fraction: String { values.first ?? "" }

    func validate() throws {
        if values.isEmpty { throw ValidationError("give the fraction read, from 0 to 1") }
        if values.count > 1 { throw ValidationError("give one fraction, not \(values.count) values") }
    }

    func run() throws {
        guard let progress = Double(fraction), progress.isFinite else {
            throw StoreError.invalidValue("reading progress is a number from 0 to 1, such as 0.5, not \u{201C}\(fraction)\u{201D}")
        }
        let store = try store.open()
        let id = try store.resolveArticleID(id)
        try store.apply(.setProgress(articleID: id, progress: progress))
        print("\(Output.short(id)) is \(Int((progress * 100).rounded()))% read")
    }
}
