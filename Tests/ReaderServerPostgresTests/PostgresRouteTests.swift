import ContractSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import ReaderModels
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// The sync API's routes over the PostgreSQL repository: what a device sends and receives,
/// checked against the published contract, as RouteTests does over SQLite.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresRouteTests {
    @Test func aDevicePushesAndPullsThroughTheAPI() async throws {
        let url = try await PostgresTestCluster.freshDatabase()
        let (repository, _) = try await PostgresPushTests.server(url)
        let token = try await repository.addUser(named: "dave")
        let app = buildApplication(repository: repository, accessLog: AccessLogSink(write: { _ in }), metrics: nil)
        try await app.test(.router) { client in
            func send(_ method: HTTPRequest.Method, _ uri: String, token: String?, body: Data? = nil) async throws -> TestResponse {
                var headers: HTTPFields = [:]
                if let token { headers[.authorization] = "Bearer \(token)" }
                if body != nil { headers[.contentType] = "application/json" }
                return try await client.executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
            }
            #expect(try await send(.get, "/v1/changes?since=0", token: nil).status == .unauthorized)
            #expect(try await send(.get, "/v1/changes?since=0", token: String(repeating: "0", count: 64)).status == .unauthorized)
            let request = PushRequest(clientID: "laptop", mutations: [
                PostgresPushTests.subscribe("sub", true, at: 1),
                PostgresPushTests.note("c1", .create, note: "n1", base: nil, body: "hello", at: 2),
            ])
            let body = try JSONEncoder().encode(request)
            let pushed = try await send(.post, "/v1/mutations", token: token, body: body)
            #expect(pushed.status == .ok)
            let pushedBytes = Data(pushed.body.readableBytesView)
            try Contract.validate(pushedBytes, against: "push-response")
            // A retry gets the same results.
            let again = try await send(.post, "/v1/mutations", token: token, body: body)
            let first = try JSONDecoder().decode(PushResponse.self, from: pushedBytes)
            let second = try JSONDecoder().decode(PushResponse.self, from: Data(again.body.readableBytesView))
            #expect(first.results == second.results && first.results.map(\.status) == [.applied, .applied])

            let page = try await send(.get, "/v1/changes?since=0&limit=2", token: token)
            #expect(page.status == .ok)
            try Contract.validate(Data(page.body.readableBytesView), against: "change-page")
            let decoded = try JSONDecoder().decode(ChangePage.self, from: Data(page.body.readableBytesView))
            #expect(decoded.changes.count == 2 && decoded.hasMore && decoded.remaining == 2)
            let expired = try await send(.get, "/v1/changes?since=99", token: token)
            #expect(expired.status == .gone)
            #expect(try await send(.get, "/ready", token: nil).status == .ok)
        }
        await repository.close()
    }
}
