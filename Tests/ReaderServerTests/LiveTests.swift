import ContractSupport
import Foundation
import HummingbirdTesting
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import Testing

/// The server on a real loopback socket.
@Suite struct LiveTests {
    @Test func syncsOverARealSocket() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(5)
        try await server.app.test(.live) { client in
            #expect(client.port != nil)
            let me = try await client.send(.get, "/v1/me", token: token)
            #expect(me.status == .ok)
            try Contract.validate(me.data, against: "whoami")
            let (response, _) = try await client.push(
                [Make.state("s1", article: TestServer.articleID(2), ["read": .bool(true)], at: 10)], token: token
            )
            #expect(response.results[0].status == .applied)
            let pulled = try await client.pullAll(token: token, limit: 2)
            #expect(pulled.changes.count == 7, "a source, five articles and one state")
            let unauthorized = try await client.send(.get, "/v1/changes", token: nil)
            #expect(unauthorized.status == .unauthorized)
        }
    }
}
