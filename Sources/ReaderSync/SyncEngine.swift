import Foundation
import ReaderHTTP
import ReaderModels
import ReaderStore

/// Where and how to sync.
public struct SyncConfiguration: Sendable {
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    public var serverURL: URL
    public var token: String
    /// Mutations per push request (the server accepts up to its `max_batch`).
    public var pushBatchSize: Int
    /// Changes per pulled page (the server caps it at its `max_page`).
    public var pageSize: Int
    /// A page of ~3 KB articles is about 1 MB of JSON at this size.
    public static let defaultPageSize = 200
    /// How temporary failures are retried.
    public var retry: RetryPolicy
    /// Limits of each request.
    public var timeouts: HTTPTimeouts

    public init(
        serverURL: URL, token: String, pushBatchSize: Int = 200, pageSize: Int = SyncConfiguration.defaultPageSize, retry: RetryPolicy = RetryPolicy(),
        timeouts: HTTPTimeouts = HTTPTimeouts(connect: .seconds(10), total: .seconds(120))
    ) {
        self.serverURL = serverURL
        self.token = token
        self.pushBatchSize = pushBatchSize
        self.pageSize = pageSize
        self.retry = retry
        self.timeouts = timeouts
    }
}

/// The client half of sync: pushes the outbox, then pulls the change feed to its end.
///
/// Each pushed batch is settled, and each pulled page applied together with its cursor,
/// in one transaction of the store, so a sync killed at any moment loses nothing and the
/// next one carries on. Edits made while a sync runs stay in the outbox for the next.
/// One engine runs one sync at a time (it is an actor, and `sync` is not reentrant).
public actor SyncEngine {
    public let store: ReaderStore
    public let configuration: SyncConfiguration
    private let client: any HTTPClient
    private let decoder = JSONDecoder()
    private let encoder: JSONEncoder
    private let progressContinuation: AsyncStream<SyncProgress>.Continuation
    /// Progress of every sync this engine runs, for a progress bar; newest events are
    /// kept when the reader falls behind.
    public nonisolated let progress: AsyncStream<SyncProgress>
    private var running = false

    public init(store: ReaderStore, client: any HTTPClient, configuration: SyncConfiguration) {
        self.store = store
        self.client = client
        self.configuration = configuration
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.encoder = encoder
        (progress, progressContinuation) = AsyncStream.makeStream(of: SyncProgress.self, bufferingPolicy: .bufferingNewest(32))
    }

    deinit { progressContinuation.finish() }

    /// Ends the progress stream (a CLI calls this once its last sync is done).
    public nonisolated func finishProgress() { progressContinuation.finish() }

    /// Checks the token with the server: who it belongs to, and the server's limits.
    public func whoAmI() async throws(SyncError) -> WhoAmI {
        let response = try await send(
            HTTPRequest(url: endpoint("v1/me"), headers: headers(), timeouts: configuration.timeouts), maxBodyBytes: 64 << 10
        )
        try requireOK(response)
        return try decode(WhoAmI.self, response)
    }

    /// Pushes every pending mutation, then pulls every change since the stored cursor.
    @discardableResult
    public func sync() async throws(SyncError) -> SyncReport {
        guard !running else { throw .protocolViolation("a sync is already running on this engine") }
        running = true
        defer { running = false }
        var report = SyncReport()
        try await push(into: &report)
        try await pull(into: &report)
        progressContinuation.yield(.finished(report))
        return report
    }

    // MARK: Push

    private func push(into report: inout SyncReport) async throws(SyncError) {
        let total: Int
        do { total = try store.pendingCount() } catch { throw .wrap(error) }
        var sent = 0
        // Only what was pending when the sync began: edits made meanwhile wait for the next.
        while sent < total {
            let batch: [WireMutation]
            do { batch = try store.takeOutboxBatch(limit: min(configuration.pushBatchSize, total - sent)) } catch { throw .wrap(error) }
            if batch.isEmpty { break }
            if Task.isCancelled { throw .cancelled }
            let body = PushRequest(clientID: try deviceID(), mutations: batch)
            let bytes: Data
            do { bytes = try encoder.encode(body) } catch { throw .protocolViolation("cannot encode the push: \(error)") }
            var headers = headers()
            headers["Content-Type"] = "application/json"
            // Every mutation carries its own id and the server applies each once, so the
            // whole request is safe to send again.
            let request = HTTPRequest(
                url: endpoint("v1/mutations"), method: .post, headers: headers, body: .bytes(Array(bytes)),
                timeouts: configuration.timeouts, idempotencyKey: batch[0].id + "+\(batch.count)"
            )
            // The answer carries each note whole: its cap follows from what the batch holds.
            let notes = batch.count { $0.entity == .note }
            let response = try await send(
                request, maxBodyBytes: WireLimits.maxPushResponseBytes(notes: notes, others: batch.count - notes)
            )
            try requireOK(response)
            let answer = try decode(PushResponse.self, response)
            do { try answer.check() } catch { throw .protocolViolation("the push answer breaks the contract: \(error)") }
            let sentIDs = Set(batch.map(\.id))
            guard answer.results.count == batch.count, Set(answer.results.map(\.mutationID)) == sentIDs else {
                throw .protocolViolation("the push answer does not have one result per mutation sent")
            }
            let settled: SettleReport
            do { settled = try store.settle(answer) } catch { throw .wrap(error) }
            report.applied += settled.applied
            report.merged += settled.merged
            report.keptBoth += settled.keptBoth
            report.rejected += settled.rejected
            sent += batch.count
            progressContinuation.yield(.pushing(sent: sent, total: total))
        }
    }

    // MARK: Pull

    private func pull(into report: inout SyncReport) async throws(SyncError) {
        var cursor: String?
        do { cursor = try store.syncSettings().cursor } catch { throw .wrap(error) }
        while true {
            if Task.isCancelled { throw .cancelled }
            var components = URLComponents(url: endpoint("v1/changes"), resolvingAgainstBaseURL: false)
            components?.queryItems = [
                URLQueryItem(name: "since", value: cursor ?? "0"), URLQueryItem(name: "limit", value: String(configuration.pageSize)),
            ]
            guard let url = components?.url else { throw .protocolViolation("cannot build the pull URL") }
            let response = try await send(
                HTTPRequest(url: url, headers: headers(), timeouts: configuration.timeouts), maxBodyBytes: WireLimits.maxChangePageBytes
            )
            if response.status == 410, errorBody(response)?.code == .cursorExpired {
                guard !report.resynced else { throw .protocolViolation("the server expired the cursor of a resync") }
                do { try store.beginResync() } catch { throw .wrap(error) }
                report.resynced = true
                cursor = nil
                progressContinuation.yield(.resyncing)
                continue
            }
            try requireOK(response)
            let page = try decode(ChangePage.self, response)
            do { try page.check() } catch { throw .protocolViolation("a pulled page breaks the contract: \(error)") }
            do { try store.applyChanges(page) } catch { throw .wrap(error) }
            report.pulled += page.changes.count
            report.pages += 1
            progressContinuation.yield(.pulling(changes: report.pulled, pages: report.pages))
            if !page.hasMore { break }
            guard page.nextCursor != cursor || !page.changes.isEmpty else {
                throw .protocolViolation("the server said there is more but did not move the cursor")
            }
            cursor = page.nextCursor
        }
    }

    // MARK: HTTP

    private func endpoint(_ path: String) -> URL {
        configuration.serverURL.appending(path: path)
    }

    private func headers() -> HTTPHeaders {
        ["Authorization": "Bearer \(configuration.token)", "Accept": "application/json"]
    }

    private func deviceID() throws(SyncError) -> String {
        do { return try store.syncSettings().deviceID } catch { throw .wrap(error) }
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
        (try? decoder.decode(APIErrorEnvelope.self, from: Data(response.body)))?.error
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
