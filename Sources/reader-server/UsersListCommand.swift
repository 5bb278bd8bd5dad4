import ArgumentParser
import ReaderServer

/// `reader-server users list --db PATH` (or `--database postgres://…`): one user a line, name and when added.
struct UsersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the users.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let users = if let url = try database.postgres() {
            try await withPostgres(url) { try await $0.users() }
        } else {
            try await SQLiteSyncRepository(path: database.db).users()
        }
        for user in users {
            print("\(user.name)\t\(user.createdAt)")
        }
    }
}
