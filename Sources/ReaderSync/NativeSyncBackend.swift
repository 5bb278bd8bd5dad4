import Foundation
import ReaderHTTP
import ReaderModels

/// This package's own sync protocol (`reader-server`'s `/v1` API) over any `HTTPClient`:
/// the first ``SyncBackend``, and the one `SyncEngine(store:client:configuration:)` uses.
///
/// Requests carry the bearer token; each is sent under the configuration's retry policy,
/// and each answer is capped at the largest legal one (`WireLimits`) before it is decoded.
public struct NativeSyncBackend: SyncBackend {
    /// The server, the token, the retry policy and the limits of each request
    /// (`pushBatchSize` and `pageSize` are the engine's).
    public let configuration: SyncConfiguration
    private let client: any HTTPClient

    /// A backend for the server and token of `configuration`, over `client`.
    public init(client: any HTTPClient, configuration: SyncConfiguration) {
        self.client = client
        self.configuration = configuration
    }

    public func whoAmI() async throws(SyncError) -> WhoAmI {
        let response = try await send(
            HTTPRequest(url: endpoint("v1/me"), headers: headers(), timeouts: configuration.timeouts), maxBodyBytes: 64 << 10
        )
        try requireOK(response)
        return try decode(WhoAmI.self, response)
    }

    public func push(_ body: PushRequest) async throws(SyncError) -> PushResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes: Data
        do { bytes = try encoder.encode(body) } catch { throw .protocolViolation("cannot encode the push: \(error)") }
        var headers = headers()
        headers["Content-Type"] = "application/json"
        // Every mutation carries its own id and the server applies each once, so the
        // whole request is safe to send again.
        let request = HTTPRequest(
            url: endpoint("v1/mutations"), method: .post, headers: headers, body: .bytes(Array(bytes)),
            timeouts: configuration.timeouts, idempotencyKey: (body.mutations.first?.id ?? "") + "+\(body.mutations.count)"
        )
        // The answer carries each note whole: its cap follows from what the batch holds.
        let notes = body.mutations.count { $0.entity == .note }
        let response = try await send(
            request, maxBodyBytes: WireLimits.maxPushResponseBytes(notes: notes, others: body.mutations.count - notes)
        )
        try requireOK(response)
        return try decode(PushResponse.self, response)
    }

    public func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
        try await pull([URLQueryItem(name: "since", value: cursor ?? "0"), URLQueryItem(name: "limit", value: String(limit))])
    }

    /// `order=newest_first`: a server older than it ignores the parameter and answers from
    /// the start, oldest first, without `head`, which the engine takes as such.
    public func pullNewestFirst(before cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
        var query = [URLQueryItem(name: "order", value: "newest_first"), URLQueryItem(name: "limit", value: String(limit))]
        if let cursor { query.append(URLQueryItem(name: "before", value: cursor)) }
        return try await pull(query)
    }

    /// A `/v1` page is a read of the server alone.
    public var pullsAhead: Bool { true }

    private func pull(_ query: [URLQueryItem]) async throws(SyncError) -> SyncPullAnswer {
        var components = URLComponents(url: endpoint("v1/changes"), resolvingAgainstBaseURL: false)
        components?.queryItems = query
        guard let url = components?.url else { throw .protocolViolation("cannot build the pull URL") }
        let response = try await send(
            HTTPRequest(url: url, headers: headers(), timeouts: configuration.timeouts), maxBodyBytes: WireLimits.maxChangePageBytes
        )
        if response.status == 410, errorBody(response)?.code == .cursorExpired { return .cursorExpired }
        try requireOK(response)
        return .page(try decode(ChangePage.self, response))
    }

    // MARK: HTTP

    private func endpoint(_ path: String) -> URL {
        configuration.serverURL.appending(path: path)
    }

    private func headers() -> HTTPHeaders {
        ["Authorization": "Bearer \(configuration.token)", "Accept": "application/json"]
    }

    /// Sends with the retry policy; a failure that outlives it becomes a SyncError.
    /// `maxBodyBytes` is the largest legal answer (`WireLimits`): anything longer is not one.
    private func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws(SyncError) -> HTTPResponse {
        do {
            return try await configuration.retry.send(request, maxBodyBytes: maxBodyBytes, using: client)
        } catch {
            if error == .cancelled { throw .cancelled }
            throw error.isTemporary ? .temporary(error) : .network(error)
        }
    }

    private func requireOK(_ response: HTTPResponse) throws(SyncError) {
        guard !(200..<300).contains(response.status) else { return }
        let body = errorBody(response)
        switch response.status {
        case 401, 403:
            throw .unauthorized(body?.message ?? "status \(response.status)")
        case 408, 425, 429, 500, 502, 503, 504:
            throw .temporary(.status(response.status, url: response.url, retryAfter: nil))
        default:
            throw .server(status: response.status, code: body?.code.rawValue, message: body?.message ?? "no reason given")
        }
    }

    private func errorBody(_ response: HTTPResponse) -> APIErrorBody? {
        (try? JSONDecoder().decode(APIErrorEnvelope.self, from: Data(response.body)))?.error
    }

    /// "page of changes" for `ChangePage`: what a person is told the server sent.
    private static func name(of type: Any.Type) -> String {
        switch type {
        case is ChangePage.Type: "page of changes"
        case is PushResponse.Type: "answer to a push"
        case is WhoAmI.Type: "account details"
        default: "answer"
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse) throws(SyncError) -> T {
        let decoder = JSONDecoder()
        do {
            // Decoded in place: a page is a megabyte or so, and a copy would double it.
            return try response.body.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return try decoder.decode(type, from: Data()) }
                return try decoder.decode(type, from: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
            }
        } catch {
            let reason = (error as? DecodingError)?.sentence ?? "it cannot be read"
            throw .protocolViolation("its \(Self.name(of: type)) of \(response.body.count) bytes cannot be read: \(reason)")
        }
    }
}
