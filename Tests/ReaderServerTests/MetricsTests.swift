import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresSupport
@testable import ReaderServer
import Testing

/// What `/metrics` labels may hold: bounded, and no one's data.
@Suite struct MetricsTests {
    @Test func unknownMethodsShareOneLabelAndHummingbirdsNamesFollowPrometheus() {
        let (name, labels) = ServerMetrics.sanitize("hb.requests", [
            ("http.route", "NotFound"), ("http.request.method", "BREW"), ("http.response.status_code", "404"),
        ])
        #expect(name == "http_server_requests_total")
        #expect(labels.map(\.1) == ["NotFound", "_OTHER", "404"])
        #expect(ServerMetrics.sanitize("http.server.request.duration", [("http.request.method", "POST")]).1.map(\.1) == ["POST"])
        #expect(ServerMetrics.sanitize("reader_pull_pages_total", []).0 == "reader_pull_pages_total")
    }

    /// In process, through the router: a request with an invented method is counted as
    /// `_OTHER`, a raw path never appears, and the exposition is Prometheus text.
    @Test func theExpositionHoldsRouteTemplatesOnly() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            _ = try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            _ = try await client.execute(uri: "/secret-\(token)", method: HTTPRequest.Method("BREW") ?? .get)
            let scrape = try await client.execute(uri: "/metrics", method: .get)
            #expect(scrape.status == .ok)
            #expect(scrape.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(buffer: scrape.body)
            #expect(text.contains(#"http_request_method="_OTHER""#))
            #expect(!text.contains("BREW") && !text.contains(token) && !text.contains("ada"))
        }
    }
}
