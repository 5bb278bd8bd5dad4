import Foundation

/// When, and after how long, to send a failed request again: capped exponential backoff
/// with full jitter, `Retry-After` honoured, and only for requests that cannot be applied
/// twice.
///
/// The random source, the clock and the sleep are injectable so tests run instantly.
public struct RetryPolicy: Sendable {
    /// The most attempts in total, the first included.
    public var maxAttempts: Int
    /// The backoff ceiling after the first failure; it doubles with each attempt.
    public var baseDelay: Duration
    /// The largest backoff ceiling.
    public var maxDelay: Duration
    /// A `Retry-After` longer than this ends the retries instead of waiting that long.
    public var maxRetryAfter: Duration
    /// A uniform random number in `0..<1`.
    public var random: @Sendable () -> Double
    /// Waits for a duration; throws when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// The current time, for `Retry-After` dates.
    public var now: @Sendable () -> Date

    /// What to do after an attempt.
    public enum Decision: Sendable, Hashable {
        /// Send again after waiting this long.
        case retry(after: Duration)
        /// Stop: the outcome is final.
        case stop
    }

    /// Creates a policy; the defaults suit background sync: 5 attempts, 0.5 s doubling up
    /// to 60 s, and a server may ask for a wait of up to 5 minutes.
    public init(
        maxAttempts: Int = 5,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(60),
        maxRetryAfter: Duration = .seconds(300),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.random = random
        self.sleep = sleep
        self.now = now
    }

    /// The wait after failed attempt number `attempt` (1 for the first): uniformly random
    /// between zero and `min(maxDelay, baseDelay × 2^(attempt-1))` ("full jitter").
    public func backoff(afterAttempt attempt: Int) -> Duration {
        var ceiling = baseDelay
        for _ in 1..<max(1, attempt) {
            ceiling *= 2
            if ceiling >= maxDelay { break }
        }
        let capped = min(ceiling, maxDelay)
        return capped * min(max(random(), 0), 1)
    }

    /// Whether and when to retry after attempt number `attempt` of `request` ended with
    /// `outcome`. Responses are retried for 408, 425, 429 and most 5xx; errors when
    /// `HTTPError.isRetryable(for:)` says so.
    public func decide(after outcome: Result<HTTPResponseHead, HTTPError>, of request: HTTPRequest, attempt: Int) -> Decision {
        guard attempt < maxAttempts else { return .stop }
        let retryAfter: Duration?
        switch outcome {
        case .success(let head):
            guard HTTPError.temporaryStatuses.contains(head.status), request.isRetrySafe else { return .stop }
            retryAfter = RetryAfter.parse(head.headers["Retry-After"], now: now())
        case .failure(let error):
            guard error.isRetryable(for: request) else { return .stop }
            if case .status(_, _, let after) = error { retryAfter = after } else { retryAfter = nil }
        }
        if let retryAfter {
            return retryAfter <= maxRetryAfter ? .retry(after: retryAfter) : .stop
        }
        return .retry(after: backoff(afterAttempt: attempt))
    }

    /// Sends `request` through `client`, retrying as this policy allows. Returns the last
    /// response (whatever its status) or throws the last error; cancelling the task while
    /// it waits throws `HTTPError.cancelled`.
    public func send(
        _ request: HTTPRequest,
        maxBodyBytes: Int = 16 << 20,
        using client: some HTTPClient
    ) async throws(HTTPError) -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let result: Result<HTTPResponse, HTTPError>
            do {
                result = .success(try await client.send(request, maxBodyBytes: maxBodyBytes))
            } catch {
                result = .failure(error)
            }
            switch decide(after: result.map(\.head), of: request, attempt: attempt) {
            case .stop:
                return try result.get()
            case .retry(let delay):
                do {
                    try await sleep(delay)
                } catch {
                    throw .cancelled
                }
            }
        }
    }
}
