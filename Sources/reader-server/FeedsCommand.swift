import ArgumentParser

/// `reader-server feeds add|list|rm|refresh`.
struct FeedsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds",
        abstract: "Subscribe users to feeds the server fetches for them, and refresh them.",
        discussion: """
            A subscription is the user's own record: their devices pull it, and a subscription a \
            device pushes is fetched the same way. `serve` refreshes every --refresh-interval seconds.
            """,
        subcommands: [FeedsAddCommand.self, FeedsListCommand.self, FeedsRemoveCommand.self, FeedsRefreshCommand.self]
    )
}
