import ArgumentParser
import Foundation
import ReaderHTTP
import ReaderStore
import ReaderSync

/// Server and token for the commands that talk to a sync server: flags, then
/// $READER_SERVER / $READER_TOKEN, then what `reader login` stored.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The sync server's URL (else $READER_SERVER, else the one `login` stored).", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The access token (else $READER_TOKEN, else the one `login` stored).", valueName: "token"))
    var token: String?

    /// The server and token to use, or nil when none is configured anywhere.
    func resolve(stored: SyncSettings?) throws -> (url: URL, token: String)? {
        let environment = ProcessInfo.processInfo.environment
        let server = nonEmpty(server) ?? nonEmpty(environment["READER_SERVER"]) ?? stored?.serverURL
        let token = nonEmpty(token) ?? nonEmpty(environment["READER_TOKEN"]) ?? stored?.token
        guard let server else { return nil }
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ValidationError("\"\(server)\" is not an http or https URL")
        }
        guard let token else { throw SyncError.unauthorized("no token: pass --token, set READER_TOKEN or run `reader login`") }
        return (url, token)
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return text
    }
}

extension SyncEngine {
    /// An engine over libcurl with the CLI's User-Agent.
    static func make(store: ReaderStore, url: URL, token: String, pageSize: Int = SyncConfiguration.defaultPageSize) throws -> SyncEngine {
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(product: "reader/\(ReaderVersion.current)"))
        return SyncEngine(store: store, client: client, configuration: SyncConfiguration(serverURL: url, token: token, pageSize: pageSize))
    }
}

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
            let summary = try await FeedRefresh.refresh(store: store, fetcher: FeedRefresh.makeFetcher())
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

/// A one-line progress display on a terminal, redrawn in place.
enum ProgressBar {
    static func render(_ progress: AsyncStream<SyncProgress>) async {
        var drew = false
        for await event in progress {
            let text: String
            switch event {
            case .pushing(let sent, let total):
                let width = 24
                let filled = total > 0 ? width * sent / total : width
                text = "pushing [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(sent)/\(total)"
            case .pulling(let changes, let pages):
                text = "pulling \(changes) change\(changes == 1 ? "" : "s") (\(pages) page\(pages == 1 ? "" : "s"))"
            case .resyncing:
                text = "the server no longer has this device's history: pulling everything again"
            case .finished:
                continue
            }
            FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + text).utf8))
            drew = true
        }
        if drew { FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
