import Foundation
import ReaderHTTP

/// The libcurl-backed `HTTPClient`: one thread and one connection pool for any number of
/// concurrent requests.
///
/// Keep one client for the life of the process so connections, DNS answers and TLS
/// sessions are reused. When the client is released, its thread stops as soon as the
/// transfers already running (streamed bodies still being read) have finished.
public final class CurlHTTPClient: HTTPClient {
    /// The settings the client was created with.
    public let configuration: HTTPClientConfiguration
    private let loop: CurlLoop

    /// Starts a client; fails when libcurl cannot start or the extra CA bundle is unreadable.
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(HTTPError) {
        let settings = try TransferSettings(configuration)
        guard let loop = CurlLoop(settings: settings, configuration: configuration) else {
            throw .other(code: 2, detail: "libcurl could not be initialised")
        }
        self.configuration = configuration
        self.loop = loop
    }

    deinit {
        loop.submit(.shutdown)
    }

    /// Sends `request`, follows redirects, and collects the decoded body under `maxBodyBytes`.
    public func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws(HTTPError) -> HTTPResponse {
        let (head, outcome) = try await perform(request, delivery: .collect(limit: maxBodyBytes))
        guard case .collected(_, let body) = outcome else { throw .badResponse(detail: "no body") }
        return HTTPResponse(head: head, body: body)
    }

    /// Sends `request`, follows redirects, and returns once the final headers arrive.
    public func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        let (head, outcome) = try await perform(request, delivery: .stream)
        guard case .streaming(_, let channel) = outcome else { throw .badResponse(detail: "no body") }
        return HTTPStreamingResponse(head: head, body: HTTPBodyStream(channel: channel))
    }

    /// Sends `request`, follows redirects, and writes the final response's body to `path`
    /// from the transfer thread as it arrives: no copy through a task, nothing held in memory.
    public func download(_ request: HTTPRequest, to path: String, maxBodyBytes: Int?) async throws(HTTPError) -> HTTPDownload {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .saveFailed(path: path, detail: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let (head, outcome) = try await perform(request, delivery: .file(descriptor: descriptor, path: path, limit: maxBodyBytes))
        guard case .downloaded(_, let bytes) = outcome else { throw .badResponse(detail: "no body") }
        return HTTPDownload(head: head, byteCount: bytes)
    }

    private func perform(_ request: HTTPRequest, delivery: Hop.Delivery) async throws(HTTPError) -> (HTTPResponseHead, HopOutcome) {
        var hop = try Self.firstHop(request, delivery: delivery)
        let deadline = request.timeouts.total.map { ContinuousClock.now + $0 }
        var redirects: [HTTPRedirect] = []
        var visited: Set<String> = [Self.loopKey(hop)]
        while true {
            if Task.isCancelled { throw .cancelled }
            if let deadline {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { throw .timeout(.total, host: hop.host) }
                hop.remainingTime = remaining
            }
            let outcome = try await CurlTransfer(hop: hop, loop: loop).run().get()
            switch outcome {
            case .redirect(let head, let location):
                guard let location, let target = URL(string: location), Self.isHTTP(target) else {
                    throw .redirectToUnsupportedScheme(from: hop.url, location: location ?? head.headers["Location"] ?? "")
                }
                guard redirects.count < request.maxRedirects else {
                    throw .tooManyRedirects(limit: request.maxRedirects, last: target)
                }
                redirects.append(HTTPRedirect(status: head.status, from: hop.url, to: target))
                hop = Self.redirected(hop, status: head.status, to: target)
                guard visited.insert(Self.loopKey(hop)).inserted else { throw .redirectLoop(target) }
            case .collected(let head, _), .streaming(let head, _), .downloaded(let head, _):
                let responseHead = HTTPResponseHead(
                    status: head.status, reason: head.reason, headers: head.headers,
                    url: hop.url, httpVersion: head.version, redirects: redirects
                )
                return (responseHead, outcome)
            }
        }
    }

    private static func firstHop(_ request: HTTPRequest, delivery: Hop.Delivery) throws(HTTPError) -> Hop {
        guard isHTTP(request.url) else { throw .invalidURL(request.url.absoluteString) }
        var headers = request.headers
        for field in headers where !isSendable(field) {
            throw .invalidHeader(name: field.name)
        }
        if let key = request.idempotencyKey, !headers.contains("Idempotency-Key") {
            guard isSendable(.init(name: "Idempotency-Key", value: key)) else {
                throw .invalidHeader(name: "Idempotency-Key")
            }
            headers.add("Idempotency-Key", key)
        }
        return Hop(
            url: request.url, method: request.method, headers: headers, body: request.body,
            connectTimeout: request.timeouts.connect, remainingTime: nil,
            lowSpeed: request.timeouts.lowSpeed, followsRedirects: request.maxRedirects > 0,
            delivery: delivery
        )
    }

    /// The next hop after a redirect, as browsers and libcurl do it: 303 (and 301/302
    /// after a POST) turn into a body-less GET; 307/308 repeat the method and body.
    /// Credentials are not sent on to another origin.
    private static func redirected(_ hop: Hop, status: Int, to target: URL) -> Hop {
        var next = hop
        next.url = target
        let becomesGET = (status == 303 && hop.method != .head) || ((status == 301 || status == 302) && hop.method == .post)
        if becomesGET {
            next.method = .get
            next.body = .none
            for name in ["Content-Type", "Content-Length", "Content-Encoding"] { next.headers.remove(name) }
        }
        if !sameOrigin(hop.url, target) {
            for name in ["Authorization", "Cookie", "Proxy-Authorization"] { next.headers.remove(name) }
        }
        return next
    }

    private static func loopKey(_ hop: Hop) -> String {
        "\(hop.method.rawValue) \(hop.url.absoluteString)"
    }

    private static func isHTTP(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        return !(url.host ?? "").isEmpty
    }

    private static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && a.port == b.port
    }

    /// Names are non-empty and free of separators; neither may contain a line break or NUL
    /// (checked on bytes: "\r\n" is a single `Character`).
    private static func isSendable(_ field: HTTPHeaders.Field) -> Bool {
        let breaks: Set<UInt8> = [0x0D, 0x0A, 0x00]
        return !field.name.isEmpty
            && !field.name.utf8.contains(where: { breaks.contains($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: " ") })
            && !field.value.utf8.contains(where: { breaks.contains($0) })
    }
}
