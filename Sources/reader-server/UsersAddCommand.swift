import ArgumentParser
import ReaderServer
import ReaderServerPostgres

/// `reader-server users add NAME --db PATH` (or `--database postgres://…`): prints the new user's token, once.
struct UsersAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a user and print their bearer token.",
        discussion: "The token is printed once and stored only as a hash: keep it, it cannot be shown again."
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The user's name.")
    var name: String

    func run() async throws {
        if let url = try database.postgres() {
            print(try await withPostgres(url) { try await $0.addUser(named: name) })
            return
        }
        let repository = try SQLiteSyncRepository(path: database.db)
        print(try await repository.addUser(named: name))
    }
}
