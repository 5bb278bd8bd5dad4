import CompressNIO
import ContractSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresSupport
import ReaderModels
@testable import ReaderServer
import Testing

@Suite struct RouteTests {
    @Test func healthAnswersWithoutAToken() async throws {
        let server = try await TestServer.onTestEngine()
        try await server.app.test(.router) { client in
            let response = try await client.send(.get, "/health", token: nil)
            #expect(response.status == .ok)
            #expect(response.text == #"{"status":"ok"}"#)
            try Contract.validate(response.data, against: "health")
        }
    }

    @Test func whoamiNamesTheTokensUser() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            let response = try await client.send(.get, "/v1/me", token: token)
            #expect(response.status == .ok)
            try Contract.validate(response.data, against: "whoami")
            let whoami = try JSONDecoder().decode(WhoAmI.self, from: response.data)
            #expect(whoami.user == "ada")
            #expect(whoami.maxBatch == 500 && whoami.maxPage == 1000)
            #expect(whoami.serverHLC.node == "server")
        }
    }

    @Test func missingOrWrongTokenGets401() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            let wrong = String(token.reversed())
            for (path, token) in [("/v1/me", nil), ("/v1/me", wrong), ("/v1/changes", wrong), ("/v1/me", "")] as [(String, String?)] {
                let response = try await client.send(.get, path, token: token)
                #expect(response.status == .unauthorized)
                try Contract.validate(response.data, against: "error")
                #expect(try JSONDecoder().decode(APIErrorEnvelope.self, from: response.data).error.code == .unauthorized)
            }
            let push = try await client.send(.post, "/v1/mutations", token: nil, body: Data("{}".utf8))
            #expect(push.status == .unauthorized)
            let basic = try await client.send(.get, "/v1/me", token: nil, headers: [.authorization: "Basic \(token)"])
            #expect(basic.status == .unauthorized)
        }
    }

    @Test func unknownRoutesAndMalformedRequestsAnswerWithJSONErrors() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            let cases: [(HTTPRequest.Method, String, Data?, HTTPResponse.Status, APIErrorCode)] = [
                (.get, "/v2/nothing", nil, .notFound, .notFound),
                (.post, "/v1/mutations", Data("not json".utf8), .badRequest, .badRequest),
                (.post, "/v1/mutations", Data(#"{"client_id":"","mutations":[]}"#.utf8), .badRequest, .badRequest),
                (.get, "/v1/changes?since=abc", nil, .badRequest, .badRequest),
                (.get, "/v1/changes?limit=0", nil, .badRequest, .badRequest),
                (.get, "/v1/changes?since=999", nil, .gone, .cursorExpired),
            ]
            for (method, path, body, status, code) in cases {
                let response = try await client.send(method, path, token: token, body: body)
                #expect(response.status == status, "\(method) \(path)")
                try Contract.validate(response.data, against: "error")
                let error = try JSONDecoder().decode(APIErrorEnvelope.self, from: response.data).error
                #expect(error.code == code, "\(method) \(path)")
                #expect(!error.message.contains("SELECT") && !error.message.contains("sqlite"))
            }
        }
    }

    @Test func oversizedBodyOrBatchGets413() async throws {
        let server = try await TestServer.onTestEngine(limits: ServerLimits(maxBodyBytes: 64 * 1024, maxBatch: 3))
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            let big = Data(("{\"client_id\":\"a\",\"mutations\":[],\"pad\":\"" + String(repeating: "x", count: 70_000) + "\"}").utf8)
            let tooBig = try await client.send(.post, "/v1/mutations", token: token, body: big)
            #expect(tooBig.status == .contentTooLarge)
            try Contract.validate(tooBig.data, against: "error")
            #expect(try JSONDecoder().decode(APIErrorEnvelope.self, from: tooBig.data).error.code == .tooLarge)

            let mutations = (0..<4).map { Make.subscribe("m\($0)", url: "https://feed/\($0)", true, at: 1) }
            let batch = try JSONEncoder().encode(PushRequest(clientID: "a", mutations: mutations))
            let tooMany = try await client.send(.post, "/v1/mutations", token: token, body: batch)
            #expect(tooMany.status == .contentTooLarge)
            #expect(try JSONDecoder().decode(APIErrorEnvelope.self, from: tooMany.data).error.code == .tooLarge)
        }
    }

    @Test func largeResponsesAreGzippedWhenAsked() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.importArticles(20)
        try await server.app.test(.router) { client in
            let plain = try await client.send(.get, "/v1/changes", token: token)
            #expect(plain.headers[.contentEncoding] == nil)
            let zipped = try await client.send(.get, "/v1/changes", token: token, headers: [.acceptEncoding: "br, gzip;q=0.8"])
            #expect(zipped.headers[.contentEncoding] == "gzip")
            #expect(zipped.body.readableBytes < plain.body.readableBytes)
            var body = zipped.body
            let unzipped = try body.decompress(with: .gzip)
            try Contract.validate(Data(unzipped.readableBytesView), against: "change-page")
            let refused = try await client.send(.get, "/v1/changes", token: token, headers: [.acceptEncoding: "gzip;q=0"])
            #expect(refused.headers[.contentEncoding] == nil)
            let small = try await client.send(.get, "/health", token: nil, headers: [.acceptEncoding: "gzip"])
            #expect(small.headers[.contentEncoding] == nil, "bodies under 1 KB go as they are")
        }
    }

    @Test func accessLogHasOneJSONLinePerRequestAndNoToken() async throws {
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            _ = try await client.send(.get, "/v1/me", token: token)
            _ = try await client.send(.get, "/v1/changes?since=0&limit=5", token: token)
            _ = try await client.send(.get, "/v1/me", token: "nope")
        }
        let lines = server.log.all
        #expect(lines.count == 3)
        for line in lines {
            #expect(!line.contains(token))
            let entry = try JSONValue.parse(Data(line.utf8))
            for key in ["ts", "method", "path", "status", "duration_ms", "user", "bytes"] {
                #expect(entry[key] != nil, "\(key) in \(line)")
            }
        }
        #expect(lines[0].contains(#""user":"ada""#) && lines[0].contains(#""status":200"#))
        #expect(lines[1].contains(#""path":"/v1/changes""#) && !lines[1].contains("since"))
        #expect(lines[2].contains(#""user":null"#) && lines[2].contains(#""status":401"#))
    }

    /// Every operation in openapi.json is served by the router, and every route is documented.
    @Test func openAPIAndRouterListTheSameEndpoints() async throws {
        let document = try Contract.openAPI()
        var documented: Set<SyncRoutes.Endpoint> = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in (item.objectValue ?? [:]).keys {
                documented.insert(SyncRoutes.Endpoint(method: method.uppercased(), path: path))
            }
        }
        #expect(documented == Set(SyncRoutes.all))
        let server = try await TestServer.onTestEngine()
        let token = try await server.addUser("ada")
        try await server.app.test(.router) { client in
            for endpoint in SyncRoutes.all {
                let response = try await client.send(
                    HTTPRequest.Method(endpoint.method) ?? .get, endpoint.path, token: token,
                    body: endpoint.method == "POST" ? Data(#"{"client_id":"a","mutations":[]}"#.utf8) : nil
                )
                #expect(response.status == .ok, "\(endpoint.method) \(endpoint.path)")
            }
        }
    }

    @Test func schemasLoadAndCatchDrift() throws {
        #expect(try Contract.schemaNames().count >= 14)
        try Contract.validate(Data(#"{"error":{"code":"not_found","message":"x"}}"#.utf8), against: "error")
        #expect(throws: ContractViolation.self) {
            try Contract.validate(Data(#"{"error":{"code":"nope","message":"x","extra":1}}"#.utf8), against: "error")
        }
    }
}
