import ArgumentParser

/// `reader-server users add|rm|list`.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, remove and list the users the server serves.",
        subcommands: [UsersAddCommand.self, UsersRemoveCommand.self, UsersListCommand.self]
    )
}
