/// How long the server waits for a client, and how many clients it holds at once: what
/// keeps connections that never finish a request (a head sent a byte at a time, a body
/// announced and never sent) from piling up until the server runs out of sockets.
public struct ConnectionLimits: Sendable, Hashable {
    /// How long a request's head may take to arrive, counted from the connection's opening
    /// or from the first byte of a later request. Then the connection is closed.
    public var headerTimeout: Duration
    /// How long a request's body may take to arrive in full, counted from its head.
    public var bodyTimeout: Duration
    /// How long a connection may sit with no request before it is closed.
    public var idleTimeout: Duration
    /// The most connections open at once; one more is closed as soon as it is accepted.
    public var maxConnections: Int

    /// The documented defaults: heads within 10 s, bodies within 60 s (8 MB at 140 KB/s),
    /// idle connections closed after 60 s, at most 512 connections (half the usual limit
    /// of 1,024 open files, leaving the rest for the database and the feed fetches).
    public init(
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(60),
        idleTimeout: Duration = .seconds(60), maxConnections: Int = 512
    ) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
