import ArgumentParser
import ReaderServer

/// `reader-server users rm NAME --db PATH` (or `--database postgres://…`).
struct UsersRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove a user with all their notes, state and subscriptions."
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The user's name.")
    var name: String

    func run() async throws {
        if let url = try database.postgres() {
            try await withPostgres(url) { try await $0.removeUser(named: name) }
            return
        }
        let repository = try SQLiteSyncRepository(path: database.db)
        try await repository.removeUser(named: name)
    }
}
