import Foundation
import ReaderServer

/// Where a PostgreSQL database is, as `reader-server --database` takes it:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (or `postgresql://`).
///
/// Only TCP without TLS is spoken yet, so a URL asking for anything else (`sslmode=require`,
/// a Unix socket) is refused rather than quietly connected some other way.
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
        for item in url.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"?): continue
            case ("sslmode", _): throw RepositoryError("--database: only sslmode=disable is supported yet (no TLS to PostgreSQL)")
            default: throw RepositoryError("--database: unknown parameter \(item.name) (only sslmode=disable is understood)")
            }
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
