import Foundation
import ReaderCurl
import ReaderFetch
import ReaderHTTP
import ReaderStore
import ReaderSync

extension FeedRefresher {
    /// A refresher over libcurl with the CLI's User-Agent and the given caps.
    static func make(
        store: ReaderStore, timeLimit: Duration = .seconds(30), maxBytes: Int = 10 << 20,
        maxConcurrent: Int = FeedFetcher.defaultConcurrency
    ) throws -> FeedRefresher {
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(product: "reader/\(ReaderVersion.current)"))
        let fetcher = FeedFetcher(client: client, maxBytes: maxBytes, timeLimit: timeLimit)
        return FeedRefresher(store: store, fetcher: fetcher, maxConcurrent: maxConcurrent)
    }
}

extension FeedRefreshReport {
    /// `12 feeds: 9 fetched, 2 not modified, 1 failed; 40 new, 3 updated articles (1.2 s)`.
    var line: String {
        let total = fetched + notModified + failed
        var text = "\(total) feed\(total == 1 ? "" : "s"): \(fetched) fetched, \(notModified) not modified, \(failed) failed"
        if skipped > 0 { text += ", \(skipped) backing off" }
        text += "; \(new) new, \(updated) updated articles"
        if pruned > 0 { text += ", \(pruned) pruned" }
        text += String(format: " (%.1f s)", seconds)
        if failed > 0 { text += "; see `reader feeds list` for the errors" }
        return text
    }
}

extension FeedFetchError {
    /// The exit for a feed that could not be added: 3 network trouble that may pass, 4
    /// refused access, 5 other HTTP status or a failure that will not pass (a redirect loop
    /// or to a non-http address, a bad certificate), 7 not a feed or too large.
    var exitCode: Int32 {
        switch kind {
        // A redirect loop, a redirect to ftp:, a bad certificate: trying later will not help.
        case .network: isTemporary ? 3 : 5
        case .httpStatus: status == 401 || status == 403 ? 4 : 5
        case .malformed, .tooLarge: 7
        }
    }
}
