import Foundation

/// One HTTP request: what to send, where, and how long to wait.
public struct HTTPRequest: Sendable, Hashable {
    /// The absolute `http` or `https` URL to request.
    public var url: URL
    /// The request method; `GET` by default.
    public var method: HTTPMethod
    /// Header fields to send. The client adds `User-Agent` and `Accept-Encoding` itself
    /// unless they are set here.
    public var headers: HTTPHeaders
    /// The request body.
    public var body: HTTPRequestBody
    /// Connect, total and stall limits.
    public var timeouts: HTTPTimeouts
    /// A client-made key that makes a non-idempotent request safe to retry; sent as the
    /// `Idempotency-Key` header. The server is expected to apply a key at most once.
    public var idempotencyKey: String?
    /// How many redirects to follow before giving up; 0 returns the first 3xx response as is.
    public var maxRedirects: Int

    /// Creates a request; every argument but the URL has a usable default.
    public init(
        url: URL,
        method: HTTPMethod = .get,
        headers: HTTPHeaders = [:],
        body: HTTPRequestBody = .none,
        timeouts: HTTPTimeouts = .init(),
        idempotencyKey: String? = nil,
        maxRedirects: Int = 10
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.idempotencyKey = idempotencyKey
        self.maxRedirects = maxRedirects
    }

    /// Whether the request may be sent again after a failure whose outcome is unknown:
    /// its method is idempotent, or it carries an idempotency key.
    public var isRetrySafe: Bool {
        method.isIdempotent || idempotencyKey != nil
    }
}

/// What a request sends after its headers.
public enum HTTPRequestBody: Sendable, Hashable {
    /// No body.
    case none
    /// Bytes held in memory.
    case bytes([UInt8])
    /// The contents of a file, read as the request is sent (never loaded whole).
    case file(path: String)

    /// Whether there is a body to send.
    public var isEmpty: Bool {
        if case .none = self { return true }
        return false
    }
}

/// Time limits for one request (including the redirects it follows).
public struct HTTPTimeouts: Sendable, Hashable {
    /// The longest wait for a connection (DNS, TCP and TLS) to be established.
    public var connect: Duration
    /// The longest the whole exchange may take, body included; `nil` for no limit, which
    /// suits large streamed downloads guarded by `lowSpeed`.
    public var total: Duration?
    /// Abort when fewer than `bytesPerSecond` arrive for `duration` (a stalled server);
    /// `nil` to never abort for slowness.
    public var lowSpeed: LowSpeedLimit?

    /// A minimum transfer rate sustained over a window.
    public struct LowSpeedLimit: Sendable, Hashable {
        /// The slowest acceptable average rate, in bytes per second.
        public var bytesPerSecond: Int
        /// How long the rate may stay below `bytesPerSecond` before the transfer is aborted.
        public var duration: Duration

        /// Creates a limit.
        public init(bytesPerSecond: Int, duration: Duration) {
            self.bytesPerSecond = bytesPerSecond
            self.duration = duration
        }
    }

    /// Creates limits; by default 15 s to connect, no total limit, and abort after 30 s
    /// without a byte.
    public init(
        connect: Duration = .seconds(15),
        total: Duration? = nil,
        lowSpeed: LowSpeedLimit? = LowSpeedLimit(bytesPerSecond: 1, duration: .seconds(30))
    ) {
        self.connect = connect
        self.total = total
        self.lowSpeed = lowSpeed
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so that a tiny positive duration never becomes 0
    /// (which libcurl reads as "no limit").
    package var roundedUpMilliseconds: Int {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(clamping: ms)
    }
}
