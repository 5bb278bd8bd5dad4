import ArgumentParser
import Foundation
import ReaderStore
import ReaderSync

/// The protocols `reader login --api` names.
enum LoginAPI: String, ExpressibleByArgument, CaseIterable {
    case native, greader
}

extension GReaderService: ExpressibleByArgument {}

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Check credentials with a sync server and remember them for `reader sync`.",
        discussion: """
            With this package's own server, give --token (else $READER_TOKEN). With a Google \
            Reader API service (FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux, or \
            reader-server's GReader endpoint), give --api greader (or --service) and --user; \
            the password is read from $READER_PASSWORD, else from standard input (asked without \
            echo at a terminal), never from the command line, and only the session token the \
            service answers is kept.

            The token is kept in the database, which is then made readable by its owner only \
            (mode 0600). It is never printed back.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("The sync server's URL (optional for services with a fixed host).", valueName: "url"))
    var server: String?
    @Option(help: ArgumentHelp("The access token of a native server (else $READER_TOKEN).", valueName: "token")) var token: String?
    @Option(help: ArgumentHelp("The server's protocol (default native).", valueName: "api")) var api: LoginAPI?
    @Option(help: ArgumentHelp(
        "A GReader service preset (implies --api greader); freshrss adds /api/greader.php to --server.",
        valueName: "service"
    ))
    var service: GReaderService?
    @Option(help: ArgumentHelp("The GReader user name or e-mail.", valueName: "name")) var user: String?
    @Option(help: ArgumentHelp("Inoreader's AppId (else $READER_APP_ID).", valueName: "id")) var appID: String?
    @Option(help: ArgumentHelp("Inoreader's AppKey (else $READER_APP_KEY).", valueName: "key")) var appKey: String?

    func validate() throws {
        if api == .native, service != nil { throw ValidationError("--service names a GReader service; it does not go with --api native") }
    }

    func run() async throws {
        let store = try store.open()
        if api == .greader || service != nil {
            try await loginGReader(store: store)
        } else {
            try await loginNative(store: store)
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: store.path + suffix) {
            chmod(store.path + suffix, 0o600)
        }
    }

    private func loginNative(store: ReaderStore) async throws {
        guard let server else { throw ValidationError("give the server's URL with --server") }
        guard let (url, token) = try ServerOptions(server: server, token: token).resolve(stored: nil) else {
            throw ValidationError("give the server's URL with --server")
        }
        let engine = try SyncEngine.make(store: store, url: url, token: token, api: .native)
        let me = try await engine.whoAmI()
        try store.saveServer(url: url, token: token)
        try store.saveSyncAPI(.native)
        print("logged in to \(url.absoluteString) as \(me.user)")
    }

    private func loginGReader(store: ReaderStore) async throws {
        let service = service ?? .generic
        let environment = ProcessInfo.processInfo.environment
        var given: URL?
        if let server {
            guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("\"\(server)\" is not an http or https URL")
            }
            given = url
        }
        guard let url = service.apiURL(server: given) else { throw ValidationError("give the service's URL with --server") }
        guard let user, !user.isEmpty else { throw ValidationError("give the GReader user name with --user") }
        var headers: [String: String] = [:]
        if service.needsAppKey {
            guard let id = appID ?? environment["READER_APP_ID"], let key = appKey ?? environment["READER_APP_KEY"], !id.isEmpty, !key.isEmpty
            else { throw ValidationError("Inoreader needs the app's id and key: --app-id and --app-key (else $READER_APP_ID, $READER_APP_KEY)") }
            headers = GReaderService.appHeaders(appID: id, appKey: key)
        }
        let password = try Self.password(user: user)
        let client = try SyncEngine.cliClient()
        let auth = try await GReaderSyncBackend.login(serverURL: url, user: user, password: password, extraHeaders: headers, client: client)
        let backend = GReaderSyncBackend(
            store: store, client: client, configuration: SyncConfiguration(serverURL: url, token: auth), extraHeaders: headers
        )
        let me = try await backend.whoAmI()
        try store.saveServer(url: url, token: auth)
        try store.saveSyncAPI(.greader, headers: headers)
        print("logged in to \(url.absoluteString) (Google Reader API) as \(me.user)")
    }

    /// $READER_PASSWORD, else the first line of standard input: never an argument, which
    /// other users could read in the process list. At a terminal it is asked for without
    /// echo.
    private static func password(user: String) throws -> String {
        if let password = ProcessInfo.processInfo.environment["READER_PASSWORD"], !password.isEmpty { return password }
        var line: String?
        if isatty(STDIN_FILENO) == 1 {
            line = getpass("API password for \(user): ").map { String(cString: $0) }
        } else {
            line = readLine(strippingNewline: true)
        }
        guard let line, !line.isEmpty else {
            throw ValidationError("no password: set READER_PASSWORD or give it on standard input")
        }
        return line
    }
}
