import ArgumentParser
import ReaderFeeds
import ReaderStore
import ReaderSync

/// How a failure ends the process: one line for the person and a documented exit code.
struct ReaderExit {
    /// Exit codes, documented in the README and in `reader --help`.
    enum Code: Int32 {
        case success = 0
        case `internal` = 1
        case usage = 2
        /// The network or the server is having temporary trouble: sync again later.
        case temporary = 3
        /// The server did not accept the token.
        case authentication = 4
        /// The server refused the request, or answered outside the protocol.
        case server = 5
        case notFound = 6
        case invalidInput = 7
        case database = 8
    }

    var code: Code
    var message: String

    /// The exit for an error of the core; nil for argument-parser errors, which it reports itself.
    init?(_ error: any Error) {
        switch error {
        case let error as StoreError:
            message = error.description + (Self.advice(for: error).map { "; \($0)" } ?? "")
            switch error {
            case .articleNotFound, .noteNotFound, .feedNotFound, .ambiguousID: code = .notFound
            case .quoteNotFound, .invalidValue, .emptyNote, .invalidSearch, .tooLong: code = .invalidInput
            case .database, .unknownStoredValue: code = .database
            }
        case let error as SyncError:
            message = error.description + (Self.advice(for: error).map { ": \($0)" } ?? "")
            switch error {
            case .temporary: code = .temporary
            case .unauthorized, .notConfigured: code = .authentication
            case .server(let status, _, _): code = status >= 500 ? .temporary : .server
            case .protocolViolation, .network: code = .server
            case .store(let storeError):
                guard let exit = Self(storeError) else { return nil }
                self = exit
                return
            case .cancelled: code = .temporary
            }
        case let error as FeedImportError:
            message = error.description
            code = .invalidInput
        default:
            return nil
        }
    }

    /// What the person can run about `error`: the libraries describe the problem, and
    /// only the CLI knows its own commands.
    static func advice(for error: StoreError) -> String? {
        switch error {
        case .emptyNote(let noteID?): "to delete it, run `reader notes rm \(Output.short(noteID))`"
        default: nil
        }
    }

    /// What the person can run about `error` (see `advice(for:)` of a `StoreError`).
    static func advice(for error: SyncError) -> String? {
        switch error {
        case .notConfigured: "run `reader login --server URL --token TOKEN` first"
        case .unauthorized: "log in again with `reader login` and a valid token"
        default: nil
        }
    }
}
