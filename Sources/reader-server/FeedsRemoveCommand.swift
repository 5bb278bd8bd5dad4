import ArgumentParser
import ReaderServer

/// `reader-server feeds rm USER URL --db PATH` (or `--database postgres://…`).
struct FeedsRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Unsubscribe a user from a feed.",
        discussion: "The user's devices pull the change; a feed nobody reads is no longer fetched."
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The user's name.")
    var user: String

    @Argument(help: ArgumentHelp("The feed's address, as `feeds list` shows it.", valueName: "url"))
    var url: String

    func run() async throws {
        try await database.withFeedRepository { repository in
            try await FeedAggregator(repository: repository).remove(user: user, url: url)
        }
    }
}
