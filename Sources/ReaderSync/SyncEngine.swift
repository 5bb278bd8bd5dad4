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
/// It reads and writes the store through `ReaderStore.async`, so a sync never blocks a
/// thread of the cooperative pool on SQLite.
///
/// The engine talks to its service through a ``SyncBackend``: ``NativeSyncBackend`` (this
/// package's `/v1` protocol, what `init(store:client:configuration:)` builds) or another
/// service's API. Whatever the backend, every answer is checked against the contract
/// before the store sees it.
public actor SyncEngine {
    public let store: ReaderStore
    private let backend: any SyncBackend
    private let pushBatchSize: Int
    private let pageSize: Int
    private let progressContinuation: AsyncStream<SyncProgress>.Continuation
    /// Progress of every sync this engine runs, for a progress bar; newest events are
    /// kept when the reader falls behind.
    public nonisolated let progress: AsyncStream<SyncProgress>
    private var running = false

    /// An engine that syncs `store` with the native server of `configuration`, over `client`.
    public init(store: ReaderStore, client: any HTTPClient, configuration: SyncConfiguration) {
        self.init(
            store: store, backend: NativeSyncBackend(client: client, configuration: configuration),
            pushBatchSize: configuration.pushBatchSize, pageSize: configuration.pageSize
        )
    }

    /// An engine that syncs `store` through `backend`, pushing at most `pushBatchSize`
    /// mutations a request and asking for pages of `pageSize` changes.
    public init(
        store: ReaderStore, backend: any SyncBackend, pushBatchSize: Int = 200, pageSize: Int = SyncConfiguration.defaultPageSize
    ) {
        self.store = store
        self.backend = backend
        self.pushBatchSize = max(1, pushBatchSize)
        self.pageSize = max(1, pageSize)
        (progress, progressContinuation) = AsyncStream.makeStream(of: SyncProgress.self, bufferingPolicy: .bufferingNewest(32))
    }

    deinit { progressContinuation.finish() }

    /// Ends the progress stream (a CLI calls this once its last sync is done).
    public nonisolated func finishProgress() { progressContinuation.finish() }

    /// Checks the credentials with the service: who they belong to, and its limits.
    public func whoAmI() async throws(SyncError) -> WhoAmI {
        try await backend.whoAmI()
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
        do { total = try await store.async.pendingCount() } catch { throw .wrap(error) }
        var sent = 0
        // Only what was pending when the sync began: edits made meanwhile wait for the next.
        while sent < total {
            let batch: [WireMutation]
            do { batch = try await store.async.takeOutboxBatch(limit: min(pushBatchSize, total - sent)) } catch { throw .wrap(error) }
            if batch.isEmpty { break }
            if Task.isCancelled { throw .cancelled }
            let answer = try await backend.push(PushRequest(clientID: try await deviceID(), mutations: batch))
            do { try answer.check() } catch { throw .protocolViolation("the push answer breaks the contract: \(error)") }
            let sentIDs = Set(batch.map(\.id))
            guard answer.results.count == batch.count, Set(answer.results.map(\.mutationID)) == sentIDs else {
                throw .protocolViolation("the push answer does not have one result per mutation sent")
            }
            let settled: SettleReport
            do { settled = try await store.async.settle(answer) } catch { throw .wrap(error) }
            report.applied += settled.applied
            report.merged += settled.merged
            report.keptBoth += settled.keptBoth
            report.rejected += settled.rejected
            sent += batch.count
            progressContinuation.yield(.pushing(sent: sent, total: total))
        }
    }

    // MARK: Pull

    /// Pulls to the end of the change feed. A device with no cursor (a first sync, or a
    /// resync) pulls newest first until it holds everything below the head the first page
    /// named, then oldest first from that head (docs/SYNC.md, "The first sync"); each page
    /// is applied with its place in one transaction, so a pull killed at any point resumes.
    /// The next page is asked for while one is applied, when the backend allows it
    /// (``PullAhead``).
    private func pull(into report: inout SyncReport) async throws(SyncError) {
        var cursor: String?, backfill: SyncBackfill?
        do {
            let settings = try await store.async.syncSettings()
            (cursor, backfill) = (settings.cursor, settings.backfill)
        } catch { throw .wrap(error) }
        var ahead: PullAhead?
        defer { ahead?.cancel() }
        while true {
            if Task.isCancelled { throw .cancelled }
            let request = cursor == nil ? PullRequest.newestFirst(before: backfill?.below) : .after(cursor)
            let answer: SyncPullAnswer
            if let asked = ahead, asked.request == request {
                answer = try await asked.answer()
            } else {
                ahead?.cancel()
                answer = try await request.send(to: backend, limit: pageSize)
            }
            ahead = nil
            let page: ChangePage
            switch answer {
            case .cursorExpired:
                guard !report.resynced else { throw .protocolViolation("the server expired the cursor of a resync") }
                do { try await store.async.beginResync() } catch { throw .wrap(error) }
                report.resynced = true
                (cursor, backfill) = (nil, nil)
                progressContinuation.yield(.resyncing)
                continue
            case .page(let answer):
                page = answer
            }
            do { try page.check() } catch { throw .protocolViolation("a pulled page breaks the contract: \(error)") }
            if backend.pullsAhead, let next = request.next(after: page) {
                ahead = PullAhead(next, backend: backend, limit: pageSize)
            }
            if cursor == nil, let head = page.head {
                try await applyNewestFirst(page, head: head, backfill: &backfill, cursor: &cursor, report: &report)
                continue
            }
            do { try await store.async.applyChanges(page) } catch { throw .wrap(error) }
            backfill = nil
            count(page, into: &report)
            if !page.hasMore { break }
            guard page.nextCursor != cursor || !page.changes.isEmpty else {
                throw .protocolViolation("the server said there is more but did not move the cursor")
            }
            cursor = page.nextCursor
        }
    }

    /// One newest-first page: applied with the pull's place; the last one makes the head
    /// the cursor, from which the pull carries on oldest first.
    private func applyNewestFirst(
        _ page: ChangePage, head: String, backfill: inout SyncBackfill?, cursor: inout String?, report: inout SyncReport
    ) async throws(SyncError) {
        let stored = backfill?.head
        do { try await store.async.applyNewestFirst(page, head: stored) } catch { throw .wrap(error) }
        count(page, into: &report)
        let pullHead = stored ?? head
        if !page.hasMore {
            (cursor, backfill) = (pullHead, nil)
            return
        }
        guard page.nextCursor != backfill?.below || !page.changes.isEmpty else {
            throw .protocolViolation("the server said there is more but did not move the cursor")
        }
        // Newest first, each page is below the one before: a cursor that does not go down
        // would ask for the same pages for ever.
        if let below = backfill.flatMap({ Int64($0.below) }), let next = Int64(page.nextCursor), next >= below {
            throw .protocolViolation("a newest-first page's cursor \(next) is not below the one before, \(below)")
        }
        backfill = SyncBackfill(head: pullHead, below: page.nextCursor)
    }

    private func count(_ page: ChangePage, into report: inout SyncReport) {
        report.pulled += page.changes.count
        report.pages += 1
        // The last page leaves nothing, whatever an older server did not say.
        let remaining = page.hasMore ? page.remaining : 0
        progressContinuation.yield(.pulling(changes: report.pulled, pages: report.pages, remaining: remaining))
    }

    private func deviceID() async throws(SyncError) -> String {
        do { return try await store.async.syncSettings().deviceID } catch { throw .wrap(error) }
    }
}
