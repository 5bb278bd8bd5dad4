import ArgumentParser
import Foundation
import ReaderServer
import ReaderServerPostgres

/// `reader-server users password NAME --db PATH` (or `--database postgres://…`): sets the
/// user's GReader API password, read from standard input.
struct UsersPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Set a user's API password for Google Reader API apps, read from standard input.",
        discussion: """
            The first line of standard input is the password (1 to 1024 bytes); it is stored \
            only as a scrypt hash, and the apps logged in with the old one must log in again. \
            The user's bearer token for reader's own sync is unchanged. Example:
              printf '%s\\n' 'a long passphrase' | reader-server users password ada --db server.sqlite
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The user's name.")
    var name: String

    func run() async throws {
        // The URL is checked before standard input is read, so a mistyped one fails at once.
        let postgres = try database.postgres()
        let password = try GReaderPasswordInput.read(from: .standardInput)
        if let postgres {
            try await withPostgres(postgres) { try await $0.setAPIPassword(password, forUser: name) }
            return
        }
        let repository = try SQLiteSyncRepository(path: database.db)
        try await repository.setAPIPassword(password, forUser: name)
    }
}
