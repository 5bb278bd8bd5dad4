import ArgumentParser
import Foundation
import ReaderServer

/// `reader-server users password NAME --db PATH`: sets the user's GReader API password,
/// read from standard input.
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
        let password = try Self.readPassword(from: .standardInput)
        let repository = try SQLiteSyncRepository(path: database.db)
        try await repository.setAPIPassword(password, forUser: name)
    }

    /// The longest line read, in bytes; a longer one is refused rather than cut.
    static let maxBytes = 1024

    /// The first line of `input` without its line break, read a byte at a time so nothing
    /// past it is consumed and nothing longer than `maxBytes` is held.
    static func readPassword(from input: FileHandle) throws -> String {
        var bytes: [UInt8] = []
        while let chunk = try input.read(upToCount: 1), let byte = chunk.first {
            if byte == 0x0A { break }
            bytes.append(byte)
            guard bytes.count <= maxBytes + 1 else {
                throw RepositoryError("the password is longer than \(maxBytes) bytes")
            }
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty else { throw RepositoryError("no password on standard input (an empty one is refused)") }
        guard bytes.count <= maxBytes else { throw RepositoryError("the password is longer than \(maxBytes) bytes") }
        guard let password = String(validating: bytes, as: UTF8.self) else {
            throw RepositoryError("the password is not UTF-8 text")
        }
        return password
    }
}
