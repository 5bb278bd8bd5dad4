import ArgumentParser
import ReaderServer

/// `reader-server feeds refresh --db PATH` (or `--database postgres://…`): one refresh now, as `serve` runs periodically.
struct FeedsRefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Fetch every subscribed feed now and import its new and changed articles.",
        discussion: """
            Feeds backing off after failures wait unless --force. Failed feeds are listed by `feeds list`. \
            On PostgreSQL a feed another server instance is fetching is left to it, and a feed fetched \
            here is due again for every instance after the default refresh interval (900 s).
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
