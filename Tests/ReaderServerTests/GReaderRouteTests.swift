import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ReaderServer
import Testing

/// How `GReaderRoutes` reads the stream named in a path.
@Suite struct GReaderRouteTests {
    /// Hummingbird's `request.uri.path` is the path as sent, not percent-decoded, so the
    /// stream in it is decoded exactly once: a feed URL holding a literal `%` (sent as
    /// `%25`, escaped again as `%2525` in the path) keeps it.
    @Test(arguments: FeedEngine.available)
    func aStreamInThePathIsDecodedOnceSoALiteralPercentSurvives(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 0)
        let feed = "https://odd.example/a%25b.xml"
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            try await reader.login("ada", "ada-pass")
            let subscribed = try await reader.write("subscription/edit", [("ac", "subscribe"), ("s", "feed/" + feed)])
            #expect(subscribed.text == "OK")
            #expect(try await reader.subscriptions().map(\.id) == ["feed/" + feed])
            let response = try await reader.request(.get, "/reader/api/0/stream/contents/" + GReaderTestClient.escape("feed/" + feed))
            #expect(response.status == .ok)
            let stream = try JSONSerialization.jsonObject(with: response.data) as? [String: Any]
            #expect(stream?["id"] as? String == "feed/" + feed)
            let atom = try await reader.request(.get, "/reader/atom/" + GReaderTestClient.escape("feed/" + feed))
            #expect(atom.status == .ok && atom.text.contains("feed/https://odd.example/a%25b.xml"))
        }
        await server.close()
    }
}
