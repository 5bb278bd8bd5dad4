import ArgumentParser
import ReaderServer

/// `reader-server feeds list --db PATH` (or `--database postgres://…`): one feed a line, its error on the next.
struct FeedsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the feeds with their subscriber count, last fetch, status and error."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let feeds = try await database.withFeedRepository { try await $0.feeds() }
        if feeds.isEmpty { return print("no feeds: add one with `reader-server feeds add USER URL`") }
        for feed in feeds {
            let status: String = if feed.lastFetchAt == nil {
                "new"
            } else if feed.lastError != nil {
                feed.consecutiveFailures > 1 ? "error x\(feed.consecutiveFailures)" : "error"
            } else {
                "ok \(feed.lastStatus.map(String.init) ?? "")"
            }
            let fetched = feed.lastFetchAt.map { String($0.prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "never"
            let readers = "\(feed.subscribers) user\(feed.subscribers == 1 ? "" : "s")"
            print("\(readers)\t\(status)\t\(fetched)\t\(feed.title ?? "-")\t<\(feed.url)>")
            if let error = feed.lastError {
                let retry = feed.nextFetchAt.map { " (next try \(String($0.prefix(16)).replacingOccurrences(of: "T", with: " ")))" }
                print("\t\(error)\(retry ?? "")")
            }
        }
    }
}
