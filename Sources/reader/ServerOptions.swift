import ArgumentParser
import Foundation
import ReaderStore
import ReaderSync

/// Server and token for the commands that talk to a sync server: flags, then
/// $READER_SERVER / $READER_TOKEN, then what `reader login` stored.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The sync server's URL (else $READER_SERVER, else the one `login` stored).", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The access token (else $READER_TOKEN, else the one `login` stored).", valueName: "token"))
    var token: String?

    /// The server and token to use, or nil when none is configured anywhere.
    func resolve(stored: SyncSettings?) throws -> (url: URL, token: String)? {
        let environment = ProcessInfo.processInfo.environment
        let server = nonEmpty(server) ?? nonEmpty(environment["READER_SERVER"]) ?? stored?.serverURL?.absoluteString
        let token = nonEmpty(token) ?? nonEmpty(environment["READER_TOKEN"]) ?? stored?.token
        guard let server else { return nil }
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ValidationError("\"\(server)\" is not an http or https URL")
        }
        guard let token else { throw SyncError.unauthorized("no token: pass --token, set READER_TOKEN or run `reader login`") }
        return (url, token)
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return text
    }
}

extension ServerOptions {
    init(server: String?, token: String?) {
        self.init()
        self.server = server
        self.token = token
    }
}
