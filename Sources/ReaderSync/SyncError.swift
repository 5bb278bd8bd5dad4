import ReaderHTTP
import ReaderModels
import ReaderStore

/// Why a sync stopped, worded for the person and typed for the app. The outbox is intact
/// after every one of them: what was not acknowledged goes out next time.
public enum SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No server is configured for this database.
    case notConfigured
    /// The network or the server is having trouble that should pass: try again later.
    case temporary(HTTPError)
    /// The token is missing, wrong or revoked.
    case unauthorized(String)
    /// The server refused the request for good, or failed in a way retrying will not fix.
    case server(status: Int, code: String?, message: String)
    /// The server's answer does not follow the protocol.
    case protocolViolation(String)
    /// A permanent network failure (bad address, TLS).
    case network(HTTPError)
    /// The local database failed.
    case store(StoreError)
    /// The sync was cancelled.
    case cancelled

    /// Whether trying again later may succeed without anyone changing anything.
    public var isTemporary: Bool {
        switch self {
        case .temporary: true
        case .server(let status, _, _): status >= 500
        default: false
        }
    }

    public var description: String {
        switch self {
        case .notConfigured:
            "no server is set for this database"
        case .temporary(let error):
            "\(Self.sentence(error.description)) Nothing was lost; sync again later."
        case .unauthorized(let message):
            "the server did not accept the token (\(message))"
        case .server(let status, let code, let message):
            "the server refused the sync (\(status)\(code.map { " \($0)" } ?? "")): \(message)"
        case .protocolViolation(let detail):
            "the server's answer does not follow the sync protocol: \(detail)"
        case .network(let error):
            Self.sentence(error.description)
        case .store(let error):
            error.description
        case .cancelled:
            "the sync was cancelled; nothing was lost"
        }
    }

    /// HTTPError descriptions are full sentences; the CLI prints lower-case fragments.
    private static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }

    static func wrap(_ error: any Error) -> SyncError {
        switch error {
        case let error as SyncError: error
        case let error as StoreError: .store(error)
        // Raised by the store when a page or an answer carries a stamp from too far ahead:
        // the server broke the protocol's clock bound, and retrying will not change it.
        case let error as StampTooFarAhead:
            .protocolViolation(
                "it holds the clock stamp \(error.stamp), more than \(HLC.maxLeadMillis / 3_600_000) hours ahead of this device's clock; check the date and time here and on the server"
            )
        case is CancellationError: .cancelled
        default: .store(.database(String(describing: error)))
        }
    }
}
