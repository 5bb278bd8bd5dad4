import Foundation

/// Why an HTTP exchange failed, classified so a person gets one clear line and the sync
/// engine can decide whether to retry or stop.
public enum HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request's URL is not an absolute `http` or `https` URL.
    case invalidURL(String)
    /// A header name or value cannot be sent (empty name, or a line break in it).
    case invalidHeader(name: String)
    /// No network interface other than loopback is up.
    case offline
    /// The host name could not be resolved.
    case dns(host: String)
    /// The server could not be reached (refused, unreachable, reset while connecting).
    case connect(host: String, detail: String)
    /// A time limit was hit; `kind` says which.
    case timeout(TimeoutKind, host: String)
    /// The TLS handshake or certificate verification failed.
    case tls(host: String, detail: String)
    /// The server answered with a status the caller treats as a failure.
    case status(Int, url: URL, retryAfter: Duration?)
    /// The body exceeded the caller's limit of `limit` bytes; the transfer was stopped.
    case tooLarge(limit: Int)
    /// The connection closed before the announced body length arrived.
    case truncated(received: Int64, expected: Int64?)
    /// The connection dropped after the request was sent.
    case connectionLost(host: String, detail: String)
    /// A redirect led back to a URL already visited.
    case redirectLoop(URL)
    /// More redirects than the request allows; `last` is where the last one pointed.
    case tooManyRedirects(limit: Int, last: URL?)
    /// A redirect from `from` to an address that is not `http` or `https` (`ftp:`, `file:`…).
    case redirectToUnsupportedScheme(from: URL, location: String)
    /// The client's ``AddressPolicy`` does not allow connecting to `address`, where `host`
    /// led (directly, through its DNS name, or by a redirect); nothing was sent to it.
    case addressNotAllowed(host: String, address: String)
    /// The server sent something that is not valid HTTP or could not be decoded.
    case badResponse(detail: String)
    /// A download could not be written to its file.
    case saveFailed(path: String, detail: String)
    /// The request body could not be read from its file.
    case requestBody(path: String, detail: String)
    /// The task was cancelled; the transfer was aborted.
    case cancelled
    /// Any other libcurl failure, with its code and message.
    case other(code: Int, detail: String)

    /// Which time limit expired.
    public enum TimeoutKind: String, Sendable, Hashable {
        /// Establishing the connection took longer than `HTTPTimeouts.connect`.
        case connect
        /// The whole exchange took longer than `HTTPTimeouts.total`.
        case total
        /// The server sent too little for too long (`HTTPTimeouts.lowSpeed`).
        case lowSpeed
    }

    /// Whether the failure is likely to go away by itself, so trying again later makes
    /// sense: network trouble, timeouts, 408, 425, 429 and 5xx other than 501 and 505.
    public var isTemporary: Bool {
        switch self {
        case .offline, .dns, .connect, .timeout, .connectionLost, .truncated:
            true
        case .status(let code, _, _):
            Self.temporaryStatuses.contains(code)
        case .invalidURL, .invalidHeader, .tls, .tooLarge, .redirectLoop, .tooManyRedirects,
             .redirectToUnsupportedScheme, .addressNotAllowed, .badResponse,
             .requestBody, .saveFailed, .cancelled, .other:
            false
        }
    }

    /// Whether the request certainly never reached the server, which makes even a
    /// non-idempotent request safe to send again.
    public var requestWasNotSent: Bool {
        switch self {
        case .offline, .dns, .connect: true
        case .timeout(let kind, _): kind == .connect
        default: false
        }
    }

    /// Whether trying `request` again may succeed and cannot apply it twice.
    public func isRetryable(for request: HTTPRequest) -> Bool {
        isTemporary && (request.isRetrySafe || requestWasNotSent)
    }

    /// `"ftp:"` for `ftp://…`; nil when the text starts with no plausible scheme.
    static func scheme(of location: String) -> String? {
        let scheme = location.prefix { $0 != ":" }
        guard scheme.count < location.count, (1...16).contains(scheme.count), scheme.first?.isLetter == true,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
        else { return nil }
        return scheme.lowercased() + ":"
    }

    /// The status codes worth retrying after a pause.
    static let temporaryStatuses: Set<Int> = [408, 425, 429, 500, 502, 503, 504]

    /// One line a person understands, saying what happened and, where useful, what to do.
    public var description: String {
        switch self {
        case .invalidURL(let text):
            "\"\(text)\" is not a valid http or https address."
        case .invalidHeader(let name):
            "The request header \"\(name)\" has a name or value that cannot be sent."
        case .offline:
            "No network connection: this device appears to be offline."
        case .dns(let host):
            "Could not find the server \(host): check the address and your network connection."
        case .connect(let host, let detail):
            "Could not connect to \(host) (\(detail)): the server may be down."
        case .timeout(.connect, let host):
            "Timed out connecting to \(host): the server or the network is not responding."
        case .timeout(.total, let host):
            "The request to \(host) took too long and was stopped."
        case .timeout(.lowSpeed, let host):
            "\(host) stopped sending data, so the transfer was abandoned."
        case .tls(let host, let detail):
            "Secure connection to \(host) failed (\(detail)); the connection was not trusted."
        case .status(let code, let url, _):
            "\(url.host ?? url.absoluteString) answered \(HTTPStatus.line(code))."
        case .tooLarge(let limit):
            "The response is larger than the \(ByteCount(limit)) limit, so the download was stopped."
        case .truncated(let received, let expected):
            if let expected {
                "The connection closed early: received \(received) of \(expected) bytes."
            } else {
                "The connection closed before the whole response arrived."
            }
        case .connectionLost(let host, let detail):
            "The connection to \(host) was lost (\(detail))."
        case .redirectLoop(let url):
            "The server redirects in a loop (back to \(url.absoluteString))."
        case .tooManyRedirects(let limit, let last):
            "Too many redirects (more than \(limit)\(last.map { ", the last to \($0.absoluteString)" } ?? "")); the address may be misconfigured."
        case .redirectToUnsupportedScheme(let from, let location):
            // Only the scheme: the rest of the Location header is the server's text, which
            // is not repeated to people (nor stored as a feed's error on a server).
            if let scheme = Self.scheme(of: location) {
                "\(from.absoluteString) redirects to an address starting with \(scheme), which is not http or https."
            } else {
                "\(from.absoluteString) redirects to an address that is not http or https."
            }
        case .addressNotAllowed(let host, let address):
            "Not connecting to \(host): it is at \(address), a loopback, private or other non-public address, which this client is set not to reach."
        case .badResponse(let detail):
            "The server sent an invalid response (\(detail))."
        case .requestBody(let path, let detail):
            "Could not read the file to upload, \(path) (\(detail))."
        case .saveFailed(let path, let detail):
            "Could not save the download to \(path) (\(detail))."
        case .cancelled:
            "The request was cancelled."
        case .other(let code, let detail):
            "The HTTP request failed (\(detail), libcurl code \(code))."
        }
    }
}

/// A byte count printed for people: "512 bytes", "10 MB".
struct ByteCount: CustomStringConvertible {
    let bytes: Int

    init(_ bytes: Int) {
        self.bytes = bytes
    }

    var description: String {
        let units = ["KB", "MB", "GB", "TB"]
        guard bytes >= 1024 else { return "\(bytes) bytes" }
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let rounded = (value * 10).rounded() / 10
        let number = rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
        return "\(number) \(units[unit])"
    }
}
