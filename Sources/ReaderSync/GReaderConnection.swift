import Foundation
import ReaderHTTP
import Synchronization

/// Requests to one GReader service for one account: the `GoogleLogin` header on each, the
/// write token `T` on each write, and every answer held to a size before it is read.
///
/// The write token is fetched on the first write and kept. A service refuses a stale one
/// the way it refuses a bad login (401 with `Google-Bad-Token`), so a write refused that
/// way fetches a new token and is sent once more before the login counts as refused.
final class GReaderConnection: Sendable {
    let baseURL: URL
    private let auth: String
    private let extraHeaders: [String: String]
    private let client: any HTTPClient
    private let retry: RetryPolicy
    private let timeouts: HTTPTimeouts
    private let writeToken = Mutex<String?>(nil)

    /// The longest `Auth` or `T` a service may hand out; real ones are under 100 bytes.
    static let maxTokenBytes = 4096
    /// The cap on small answers (token, `OK`, quickadd, user-info, ClientLogin).
    static let smallAnswerBytes = 64 << 10

    init(baseURL: URL, auth: String, extraHeaders: [String: String], client: any HTTPClient, retry: RetryPolicy, timeouts: HTTPTimeouts) {
        self.baseURL = baseURL
        self.auth = auth
        self.extraHeaders = extraHeaders
        self.client = client
        self.retry = retry
        self.timeouts = timeouts
    }

    /// Logs in with ClientLogin and returns the `Auth` value the service answered.
    static func login(
        baseURL: URL, user: String, password: String, extraHeaders: [String: String], client: any HTTPClient,
        retry: RetryPolicy = RetryPolicy(), timeouts: HTTPTimeouts = HTTPTimeouts(connect: .seconds(10), total: .seconds(60))
    ) async throws(SyncError) -> String {
        let connection = GReaderConnection(baseURL: baseURL, auth: "", extraHeaders: extraHeaders, client: client, retry: retry, timeouts: timeouts)
        let response = try await connection.send(
            "accounts/ClientLogin", method: .post, form: [("Email", user), ("Passwd", password)], maxBytes: smallAnswerBytes, authorized: false
        )
        if response.status == 401 || response.status == 403 {
            throw .unauthorized("the service refused this user name and password")
        }
        try requireOK(response)
        for line in response.text.split(whereSeparator: \.isNewline) where line.hasPrefix("Auth=") {
            let value = String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces)
            guard isToken(value) else { throw .protocolViolation("ClientLogin answered an Auth value that is not a token") }
            return value
        }
        throw .protocolViolation("ClientLogin answered without an Auth line")
    }

    /// A GET of `path` (under `reader/api/0/` for the API) with `output=json` added.
    func get(_ path: String, query: [(String, String)] = [], maxBytes: Int) async throws(SyncError) -> HTTPResponse {
        let response = try await send(path, method: .get, query: query + [("output", "json")], maxBytes: maxBytes)
        try Self.requireOK(response)
        return response
    }

    /// A POST of a read (`stream/items/contents`): safe to send again.
    func postRead(_ path: String, form: [(String, String)], maxBytes: Int) async throws(SyncError) -> HTTPResponse {
        let response = try await send(path, method: .post, query: [("output", "json")], form: form, maxBytes: maxBytes)
        try Self.requireOK(response)
        return response
    }

    /// A POST that changes something, with the write token. Every write this backend makes
    /// is idempotent (add or remove a label, subscribe, unsubscribe), so it is retried
    /// like a read.
    func postWrite(_ path: String, form: [(String, String)], maxBytes: Int = smallAnswerBytes) async throws(SyncError) -> HTTPResponse {
        var refetched = false
        while true {
            let token = try await currentWriteToken()
            let response = try await send(path, method: .post, form: form + [("T", token)], maxBytes: maxBytes)
            if response.status == 401, !refetched, response.headers["Google-Bad-Token"] != nil {
                refetched = true
                writeToken.withLock { $0 = nil }
                continue
            }
            try Self.requireOK(response)
            return response
        }
    }

    private func currentWriteToken() async throws(SyncError) -> String {
        if let token = writeToken.withLock({ $0 }) { return token }
        let response = try await send("reader/api/0/token", method: .get, maxBytes: Self.smallAnswerBytes)
        try Self.requireOK(response)
        // Sent as text with a newline, and often labelled text/html: read by endpoint.
        let token = response.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.isToken(token) else { throw .protocolViolation("its write token (T) is not a token") }
        writeToken.withLock { $0 = token }
        return token
    }

    private func send(
        _ path: String, method: HTTPMethod, query: [(String, String)] = [], form: [(String, String)]? = nil, maxBytes: Int,
        authorized: Bool = true
    ) async throws(SyncError) -> HTTPResponse {
        var components = URLComponents(url: baseURL.appending(path: path), resolvingAgainstBaseURL: false)
        if !query.isEmpty { components?.percentEncodedQuery = Self.formEncoded(query) }
        guard let url = components?.url else { throw .protocolViolation("cannot build the URL of \(path)") }
        var headers = HTTPHeaders()
        for (name, value) in extraHeaders.sorted(by: { $0.key < $1.key }) { headers[name] = value }
        if authorized { headers["Authorization"] = "GoogleLogin auth=\(auth)" }
        var body = HTTPRequestBody.none
        if let form {
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = .bytes(Array(Self.formEncoded(form).utf8))
        }
        // An idempotency key makes the POSTs retry-safe for the policy: each is a read or
        // an idempotent write (see postWrite).
        let key = method == .post ? UUID().uuidString : nil
        let request = HTTPRequest(url: url, method: method, headers: headers, body: body, timeouts: timeouts, idempotencyKey: key)
        do {
            return try await retry.send(request, maxBodyBytes: maxBytes, using: client)
        } catch {
            switch error {
            case .cancelled: throw .cancelled
            case .tooLarge(let limit): throw .protocolViolation("its answer to \(path) is over \(limit) bytes")
            default: throw error.isTemporary ? .temporary(error) : .network(error)
            }
        }
    }

    static func requireOK(_ response: HTTPResponse) throws(SyncError) {
        switch response.status {
        case 200..<300:
            return
        case 401, 403:
            throw .unauthorized("the service answered \(response.status) to its session")
        case 408, 425, 429, 500, 502, 503, 504:
            throw .temporary(.status(response.status, url: response.url, retryAfter: nil))
        default:
            let line = response.text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            throw .server(status: response.status, code: nil, message: line.isEmpty ? "no reason given" : String(line.prefix(200)))
        }
    }

    /// Printable ASCII without spaces, and not too long.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maxTokenBytes && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// `application/x-www-form-urlencoded`, keeping only unreserved characters as they are.
    static func formEncoded(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
