import ArgumentParser

/// `reader-server users add|rm|list|password`.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, remove and list the users the server serves, and set their API passwords.",
        subcommands: [UsersAddCommand.self, UsersRemoveCommand.self, UsersListCommand.self, UsersPasswordCommand.self]
    )
}
