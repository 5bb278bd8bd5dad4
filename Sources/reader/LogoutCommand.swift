import ArgumentParser
import ReaderStore

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
