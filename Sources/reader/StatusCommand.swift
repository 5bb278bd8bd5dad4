import ArgumentParser
import ReaderStore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Counts, pending changes and sync state."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try store.open()
        let status = try store.status()
        if output.json { return try Output.json(status) }
        print("database:  \(store.path)")
        print("articles:  \(status.articles) (\(status.unread) unread, \(status.starred) starred) from \(status.sources) source\(status.sources == 1 ? "" : "s")")
        print("notes:     \(status.notes)\(status.conflictedNotes > 0 ? " (\(status.conflictedNotes) conflicted)" : "")")
        print("feeds:     \(status.subscriptions) subscribed")
        print("pending:   \(status.pendingMutations) change\(status.pendingMutations == 1 ? "" : "s") not yet synced")
        print("last sync: \(status.lastSyncAt ?? "never")")
        print("device:    \(status.deviceID)")
    }
}
