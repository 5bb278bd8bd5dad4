import Foundation
import ReaderServer

/// Where a PostgreSQL database is, as `reader-server --database` takes it:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (or `postgresql://`).
///
/// TLS follows libpq's `sslmode`, as far as postgres-nio can honour it: `disable`, `prefer`
/// (the default, as in libpq: TLS when the server offers it, no certificate check),
/// `require` (TLS or no connection, no certificate check), `verify-ca` (the server's
/// certificate chains to a trusted root) and `verify-full` (and names the host).
/// `sslrootcert=PATH` names the trusted roots (PEM); without it, or with
/// `sslrootcert=system`, the system's trust store. `allow`, client certificates and Unix
/// sockets are refused rather than quietly connected some other way.
public struct PostgresURL: Hashable, Sendable, CustomStringConvertible {
    /// The host name or address.
    public var host: String
    /// The TCP port; 5432 when the URL names none.
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// The role's password, when the URL carries one.
    public var password: String?
    /// The database name.
    public var database: String
    /// How the connection uses TLS (`sslmode`).
    public var sslMode: SSLMode = .prefer
    /// The PEM file of trusted roots for `verify-ca` and `verify-full`; nil: the system's.
    public var sslRootCert: String?

    /// libpq's `sslmode` values that postgres-nio can honour.
    public enum SSLMode: String, Hashable, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without a certificate check; plain otherwise.
        case prefer
        /// TLS or no connection, without a certificate check.
        case require
        /// TLS with a certificate that chains to a trusted root, whatever host it names.
        case verifyCA = "verify-ca"
        /// TLS with a certificate that chains to a trusted root and names the host.
        case verifyFull = "verify-full"
    }

    /// The URL's parts; refuses what the engine cannot honour, in words a person can act on.
    ///
    /// - Throws: `RepositoryError` for a URL that is not a PostgreSQL URL of the form above.
    public init(_ text: String) throws {
        // A URL on a command line or in an environment variable; anything longer is not one.
        guard text.utf8.count <= 2048, let url = URLComponents(string: text) else {
            throw RepositoryError("--database must be a URL like postgres://USER@HOST:PORT/DATABASE")
        }
        guard url.scheme == "postgres" || url.scheme == "postgresql" else {
            throw RepositoryError("--database must be a postgres:// URL (for a SQLite file use --db PATH)")
        }
        guard let host = url.host, !host.isEmpty else { throw RepositoryError("--database needs a host: postgres://USER@HOST:PORT/DATABASE") }
        guard let user = url.user, !user.isEmpty else { throw RepositoryError("--database needs a user: postgres://USER@HOST:PORT/DATABASE") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw RepositoryError("--database needs one database name after the host: postgres://USER@HOST:PORT/DATABASE")
        }
        let modes = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
        for item in url.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", let value?):
                guard let mode = SSLMode(rawValue: value) else {
                    throw RepositoryError("--database: sslmode=\(value.prefix(40)) is not supported (use one of \(modes))")
                }
                sslMode = mode
            case ("sslrootcert", let value?) where !value.isEmpty:
                sslRootCert = value == "system" ? nil : value
            case ("sslmode", nil), ("sslrootcert", _):
                throw RepositoryError("--database: \(item.name) needs a value")
            default:
                throw RepositoryError("--database: unknown parameter \(item.name.prefix(40)) (only sslmode and sslrootcert are understood)")
            }
        }
        if sslRootCert != nil, sslMode != .verifyCA, sslMode != .verifyFull {
            throw RepositoryError("--database: sslrootcert is only used with sslmode=verify-ca or verify-full")
        }
        self.host = host
        self.port = url.port ?? 5432
        // URLComponents gives the user, password and path percent-decoded.
        self.user = user
        self.password = url.password
        self.database = database
        guard (1...65535).contains(port) else { throw RepositoryError("--database: the port must be from 1 to 65535") }
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    }
}
