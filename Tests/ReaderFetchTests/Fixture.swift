import Foundation
import ReaderCurl
import ReaderFetch
import ReaderHTTP

/// The fixtures under `Fixtures/`, and the client the tests fetch with.
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return Array(try Data(contentsOf: url.appendingPathComponent(name)))
    }

    /// A fetcher over libcurl that ignores the machine's proxy settings. The time cap is
    /// generous unless a test is about it: on a 2-core machine running the other suites,
    /// a fetch may wait seconds for a thread.
    static func fetcher(maxBytes: Int = 1 << 20, timeLimit: Duration = .seconds(30)) throws -> FeedFetcher {
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(proxy: .direct, maxConnectionsPerHost: 64))
        return FeedFetcher(client: client, maxBytes: maxBytes, timeLimit: timeLimit)
    }

    /// An RSS 2.0 feed with `count` items, numbered from 1, each saying `word` in its body.
    static func rss(title: String, count: Int, word: String = "harbour") -> [UInt8] {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>\(title)</title><link>https://\(title.lowercased()).example/</link>

            """
        for number in stride(from: 1, through: count, by: 1) {
            text += "<item><guid>\(title)-\(number)</guid><title>\(title) note \(number)</title>"
            text += "<description>The \(word) log, entry \(number).</description></item>\n"
        }
        text += "</channel></rss>\n"
        return Array(text.utf8)
    }
}

/// The `FeedFetchError` `body` throws, or nil when it succeeds.
func fetchFailure(_ body: () async throws(FeedFetchError) -> FeedFetchResult) async -> FeedFetchError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}
