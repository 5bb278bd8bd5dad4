import ArgumentParser
import ReaderModels
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
        print("database:  \(store.path) (\(Output.bytes(status.databaseBytes)))")
        print("articles:  \(status.articles) (\(status.unread) unread, \(status.starred) starred) from \(status.sources) source\(status.sources == 1 ? "" : "s")")
        var noteFlags: [String] = []
        if status.conflictedNotes > 0 { noteFlags.append("\(status.conflictedNotes) conflicted") }
        if status.orphanedNotes > 0 { noteFlags.append("\(status.orphanedNotes) whose passage is gone") }
        print("notes:     \(status.notes)" + (noteFlags.isEmpty ? "" : " (" + noteFlags.joined(separator: ", ") + ")"))
        print("feeds:     \(status.subscriptions) subscribed")
        print("pending:   \(status.pendingMutations) change\(status.pendingMutations == 1 ? "" : "s") not yet synced")
        if status.rejectedMutations > 0 {
            print("rejected:  \(status.rejectedMutations) change\(status.rejectedMutations == 1 ? "" : "s") refused by the server:")
            for rejected in try store.rejectedMutations().prefix(10) {
                print("           \(rejected.entity.rawValue) \(Output.short(rejected.entityID)) \(rejected.op.rawValue): \(rejected.message)")
            }
        }
        print("server:    \(status.serverURL?.absoluteString ?? "none (local only)")")
        if status.serverURL != nil, try store.syncAPI().api == .greader {
            // GReader has no notes and no reading progress: say where they are kept.
            print("api:       Google Reader API; notes and reading progress stay on this device")
        }
        print("last sync: \(status.lastSyncAt.map { Timestamp.format($0) } ?? "never")")
        print("cursor:    \(status.cursor ?? "none")")
        print("device:    \(status.deviceID)")
    }
}
