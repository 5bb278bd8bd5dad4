import ReaderModels

/// One request of a pull: what ``SyncBackend`` is asked for a page.
enum PullRequest: Hashable, Sendable {
    /// Newest first, below a cursor (nil: from the newest).
    case newestFirst(before: String?)
    /// Oldest first, after a cursor (nil: from the start).
    case after(String?)

    /// The request for the page after `page`, when the pull goes on from it: `page` answered
    /// `self`, and the engine moves its place to the page's `nextCursor` in either order.
    func next(after page: ChangePage) -> PullRequest? {
        guard page.hasMore else { return nil }
        switch self {
        // A service that cannot answer newest first answers from the start without a head,
        // and the pull carries on oldest first.
        case .newestFirst where page.head == nil: return .after(page.nextCursor)
        case .newestFirst: return .newestFirst(before: page.nextCursor)
        case .after: return .after(page.nextCursor)
        }
    }

    func send(to backend: any SyncBackend, limit: Int) async throws(SyncError) -> SyncPullAnswer {
        switch self {
        case .newestFirst(let cursor): try await backend.pullNewestFirst(before: cursor, limit: limit)
        case .after(let cursor): try await backend.pull(after: cursor, limit: limit)
        }
    }
}

/// The next page, asked for while the engine applies the one before it.
///
/// A first sync spends its time in two places that can overlap: the server building and
/// sending a page, and the device writing the page before it. Only a backend whose answers
/// do not depend on the device's store (``SyncBackend/pullsAhead``) is asked ahead; the
/// answer is used only if the engine then asks for exactly that request, and is dropped
/// (its request cancelled) otherwise, so what is applied, and in which transaction, is what
/// a pull one page at a time applies.
struct PullAhead: Sendable {
    let request: PullRequest
    private let task: Task<Result<SyncPullAnswer, SyncError>, Never>

    init(_ request: PullRequest, backend: any SyncBackend, limit: Int) {
        self.request = request
        task = Task {
            do throws(SyncError) { return .success(try await request.send(to: backend, limit: limit)) } catch { return .failure(error) }
        }
    }

    /// The answer; cancelling the caller cancels the request.
    func answer() async throws(SyncError) -> SyncPullAnswer {
        try await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }.get()
    }

    func cancel() { task.cancel() }
}
