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

    @Flag(help: "Fetch the feeds backing off after failures too.")
    var force = false

    func run() async throws {
        let repository = try SQLiteSyncRepository(path: database.db)
        let report = try await FeedAggregator(repository: repository).refresh(force: force)
        print(report.line)
    }
}
