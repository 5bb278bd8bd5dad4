import ArgumentParser
import ReaderStore

struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the articles the retention policy says to, now, and print what went.",
        discussion: "See `reader retention` for the policy. Pruning is local: nothing is deleted on the server."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let report = try store.open().prune()
        if output.json { return try Output.json(report) }
        print(Self.line(report))
        for id in report.articleIDs.prefix(20) { print("  \(Output.short(id))") }
        if report.articleIDs.count > 20 { print("  … and \(report.articleIDs.count - 20) more") }
    }

    /// `pruned 12 articles (9 read, 3 unread); keeping the state of 40 pruned; 1.2 MB → 1.0 MB`.
    static func line(_ report: PruneReport) -> String {
        var text = "pruned \(report.removed) article\(report.removed == 1 ? "" : "s") (\(report.read) read, \(report.unread) unread)"
        text += "; keeping the state of \(report.keptStates) pruned"
        if report.forgotten > 0 { text += ", forgot \(report.forgotten) long-pruned" }
        text += "; \(Output.bytes(report.bytesBefore)) → \(Output.bytes(report.bytesAfter))"
        return text
    }
}
