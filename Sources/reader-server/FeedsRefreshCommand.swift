import ArgumentParser
import ReaderServer

/// `reader-server feeds refresh --db PATH` (or `--database postgres://…`): one refresh now, as `serve` runs periodically.
struct FeedsRefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Fetch every subscribed feed now and import its new and changed articles.",
        discussion: """
            Feeds backing off after failures wait unless --force. Failed feeds are listed by `feeds list`. \
            On PostgreSQL a feed a `serve` instance fetched within its refresh interval, or is \
            fetching now, waits too, unless --force, which fetches every subscribed feed now.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var fetching: FetchOptions

    @Flag(help: "Fetch the feeds backing off after failures too.")
    var force = false

    func run() async throws {
        let report = try await database.withFeedRepository { repository in
            try await FeedAggregator(repository: repository, allowPrivateNetworks: fetching.allowPrivateNetworks).refresh(force: force)
        }
        print(report.line)
    }
}
