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

extension ServerOptions {
    init(server: String?, token: String?) {
        self.init()
        self.server = server
        self.token = token
    }
}

struct LogoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Forget the sync server and token. Pending changes stay, for the next login."
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        let store = try store.open()
        let settings = try store.syncSettings()
        try store.saveServer(url: settings.serverURL, token: nil)
        print(settings.serverURL.map { "logged out of \($0)" } ?? "not logged in")
    }
}

struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Notes that hold two versions of their text after a sync.",
        discussion: "Edit the note (`reader notes resolve NOTE_ID TEXT`) to settle it."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try store.open()
        let notes = try store.notes(conflictedOnly: true)
        if output.json { return try Output.json(["notes": notes]) }
        if notes.isEmpty { return print("no conflicted notes") }
        for note in notes {
            print("note \(note.id) on article \(note.articleID), revision \(note.revision):")
            print(note.body)
            print("")
        }
    }
}
