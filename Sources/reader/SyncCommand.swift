import ArgumentParser
import ReaderStore
import ReaderSync

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push local changes to the server, then pull everything new.",
        discussion: """
            With no server configured, refreshes the local feed subscriptions instead.
            Exit codes: 0 synced, 3 network or server trouble (try later), 4 authentication, \
            5 server or protocol error. Nothing pending is lost on any failure.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var output: OutputOptions
    @Option(help: ArgumentHelp("Changes per pulled page; smaller pages use less memory.", valueName: "n"))
    var pageSize: Int = SyncConfiguration.defaultPageSize

    func validate() throws {
        guard (1...1000).contains(pageSize) else { throw ValidationError("--page-size must be between 1 and 1000") }
    }

    func run() async throws {
        let store = try store.open()
        guard let (url, token) = try server.resolve(stored: store.syncSettings()) else {
            let summary = try await ProgressBar.refresh(FeedRefresher.make(store: store), drawing: Output.isTerminal && !output.json)
            if output.json { return try Output.json(summary) }
            return print("no sync server set; refreshed feeds: " + summary.line)
        }
        let engine = try SyncEngine.make(store: store, url: url, token: token, pageSize: pageSize)
        let bar = Output.isTerminal && !output.json ? Task { await ProgressBar.render(engine.progress) } : nil
        let report: SyncReport
        do {
            report = try await engine.sync()
        } catch {
            engine.finishProgress()
            await bar?.value
            throw error
        }
        engine.finishProgress()
        await bar?.value
        // Local only: what the policy removes is never pushed, so it runs after the sync.
        let pruned = try store.prune().removed
        if output.json { return try Output.json(report) }
        var line = "synced with \(url.absoluteString): pushed \(report.pushed)"
        let details = [(report.merged, "merged"), (report.keptBoth, "kept both texts"), (report.rejected, "rejected")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        if !details.isEmpty { line += " (\(details.joined(separator: ", ")))" }
        line += ", pulled \(report.pulled) change\(report.pulled == 1 ? "" : "s")"
        if report.resynced { line += " (full resync)" }
        if pruned > 0 { line += "; pruned \(pruned) article\(pruned == 1 ? "" : "s") by the retention policy" }
        print(line)
        if report.keptBoth > 0 { print("some notes now hold two versions: see `reader conflicts`") }
        if report.rejected > 0 { print("the server rejected \(report.rejected) change\(report.rejected == 1 ? "" : "s"): see `reader status`") }
    }
}
