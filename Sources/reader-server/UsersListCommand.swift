import ArgumentParser
import ReaderServer

/// `reader-server users list --db PATH`: one user a line, name and when added.
struct UsersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the users.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let repository = try SQLiteSyncRepository(path: database.db)
        for user in try await repository.users() {
            print("\(user.name)\t\(user.createdAt)")
        }
    }
}
