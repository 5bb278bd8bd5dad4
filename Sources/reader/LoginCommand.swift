import ArgumentParser
import Foundation
import ReaderStore
import ReaderSync

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Check a token with a sync server and remember both for `reader sync`.",
        discussion: """
            The token is kept in the database, which is then made readable by its owner only \
            (mode 0600). It is never printed back.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("The sync server's URL.", valueName: "url")) var server: String
    @Option(help: ArgumentHelp("The access token (else $READER_TOKEN).", valueName: "token")) var token: String?

    func run() async throws {
        let store = try store.open()
        let options = ServerOptions(server: server, token: token)
        guard let (url, token) = try options.resolve(stored: nil) else {
            throw ValidationError("give the server's URL with --server")
        }
        let engine = try SyncEngine.make(store: store, url: url, token: token)
        let me = try await engine.whoAmI()
        try store.saveServer(url: url.absoluteString, token: token)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: store.path + suffix) {
            chmod(store.path + suffix, 0o600)
        }
        print("logged in to \(url.absoluteString) as \(me.user)")
    }
}
