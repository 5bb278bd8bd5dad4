import ReaderModels
import Testing

/// A subscription pushed by a device is checked before the server stores (and later
/// fetches) it: an absolute http or https URL with a host, of bounded length, with no
/// control character; each failure rejects that mutation alone with its code.
@Suite struct FeedURLCheckTests {
    static func rejection(_ url: String) -> APIErrorCode? {
        let mutation = WireMutation(
            id: "m1", entity: .subscription, entityID: url, op: .set, baseRevision: nil,
            fields: ["subscribed": .bool(true)], hlc: HLC(wallMillis: 1_764_000_000_000, counter: 0, node: "device-a")
        )
        do {
            try mutation.check()
            return nil
        } catch {
            return error.code
        }
    }

    @Test(arguments: [
        "file:///etc/passwd", "gopher://127.0.0.1:70/1/", "ftp://example.org/feed.xml", "javascript:alert(1)",
        "data:text/xml,<rss/>", "/feeds/local.xml", "example.org/feed.xml", "http://", "https:///path-only",
        "http//example.org/feed", "mailto:a@example.org",
    ])
    func aURLTheServerWillNotFetchIsRejected(_ url: String) {
        #expect(Self.rejection(url) == .invalidFeedURL, "\(url)")
    }

    @Test func controlCharactersAndLengthKeepTheirCodes() {
        #expect(Self.rejection("https://example.org/a\u{0}b") == .invalidMutation)
        #expect(Self.rejection("https://example.org/a\nb") == .invalidMutation)
        #expect(Self.rejection("https://example.org/a b") == .invalidMutation)
        let long = "https://example.org/" + String(repeating: "a", count: WireLimits.maxURLBytes)
        #expect(Self.rejection(long) == .tooLong)
    }

    @Test(arguments: [
        "https://example.org/feed.xml", "http://127.0.0.1:8080/feed", "HTTPS://Example.org/a?b=c#d",
        "http://[::1]:8080/feed", "https://user@example.org/feed",
    ])
    func anHTTPOrHTTPSURLWithAHostIsAccepted(_ url: String) {
        #expect(Self.rejection(url) == nil, "\(url)")
    }
}
