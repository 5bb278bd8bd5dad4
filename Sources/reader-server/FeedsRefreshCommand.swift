import ArgumentParser
import ReaderServer

/// `reader-server feeds refresh --db PATH`: one refresh now, as `serve` runs periodically.
struct FeedsRefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Fetch every subscribed feed now and import its new and changed articles.",
        discussion: "Feeds backing off after failures wait unless --force. Failed feeds are listed by `feeds list`."
    )

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var fetching: FetchOptions

    @Flag(help: "Fetch the feeds backing off after failures too.")
    var force = false

    func run() async throws {
        let repository = try SQLiteSyncRepository(path: database.db)
        let aggregator = try FeedAggregator(repository: repository, allowPrivateNetworks: fetching.allowPrivateNetworks)
        let report = try await aggregator.refresh(force: force)
        print(report.line)
    }
}
