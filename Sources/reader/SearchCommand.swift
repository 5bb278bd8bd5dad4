import ArgumentParser
import ReaderStore

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search articles and notes, best matches first.",
        discussion: """
            Words must all match; "a phrase" matches exactly; word* matches a prefix; a OR b; \
            -word or NOT word excludes; title:word and author:word look in one field.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "At most this many results.") var limit = 20
    @Argument(help: "What to search for.") var query: [String]

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        if query.isEmpty { throw ValidationError("say what to search for") }
    }

    func run() throws {
        let bold = Output.isTerminal && !output.json
        let hits = try store.open().search(
            query.joined(separator: " "), limit: limit,
            highlight: bold ? ("\u{1B}[1m", "\u{1B}[0m") : ("**", "**")
        )
        if output.json { return try Output.json(["results": hits]) }
        if hits.isEmpty { return print("no matches") }
        for hit in hits {
            let label = hit.kind == .note ? "note   " : "article"
            print("\(label) \(Output.short(hit.id))  \(hit.title)")
            print("        \(hit.snippet.replacingOccurrences(of: "\n", with: " "))")
        }
    }
}
