import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import Testing

/// The address policy is judged on the address libcurl is about to connect, for every
/// connection of every hop: a refused address sees no connection at all.
@Suite struct CurlHTTPClientAddressPolicyTests {
    static func client(_ policy: AddressPolicy) throws -> CurlHTTPClient {
        try CurlHTTPClient(configuration: HTTPClientConfiguration(proxy: .direct, addressPolicy: policy))
    }

    @Test func publicOnlyRefusesLoopbackBeforeConnecting() async throws {
        let server = try RoutedServer(["/feed": .status(200)])
        let error = await failure { try await Self.client(.publicOnly).send(HTTPRequest(url: server.url("/feed"))) }
        #expect(error == .addressNotAllowed(host: "127.0.0.1", address: "127.0.0.1"))
        #expect(error?.isTemporary == false, "a refused address is not tried again")
        #expect(server.server.statistics.acceptedConnections == 0)
        #expect(server.requests == 0)
    }

    /// `localhost` is judged by the addresses it resolves to (127.0.0.1 and ::1), not its name.
    @Test func publicOnlyRefusesAHostNameThatResolvesToLoopback() async throws {
        let server = try RoutedServer(["/feed": .status(200)])
        let url = try #require(URL(string: "http://localhost:\(server.server.port)/feed"))
        let error = await failure { try await Self.client(.publicOnly).send(HTTPRequest(url: url)) }
        guard case .addressNotAllowed(let host, let address) = error else {
            Issue.record("expected addressNotAllowed, got \(String(describing: error))")
            return
        }
        #expect(host == "localhost")
        #expect(["127.0.0.1", "::1"].contains(address))
        #expect(server.server.statistics.acceptedConnections == 0)
    }

    /// Only loopback exists here, so "a public URL that redirects to a private address" is
    /// played by a policy that allows 127.0.0.1 and not 127.0.0.2: the first hop is
    /// allowed, and the redirect's hop is judged on its own address and refused.
    @Test func aRedirectToARefusedAddressIsRefusedAtThatHop() async throws {
        let target = try RoutedServer(["/inside": .status(200)], host: "127.0.0.2")
        let entry = try RoutedServer(["/outside": .redirect(302, to: target.url("/inside").absoluteString)])
        let onlyFirst = AddressPolicy { $0 == IPAddress("127.0.0.1") }
        let error = await failure { try await Self.client(onlyFirst).send(HTTPRequest(url: entry.url("/outside"))) }
        #expect(error == .addressNotAllowed(host: "127.0.0.2", address: "127.0.0.2"))
        #expect(entry.requests == 1)
        #expect(target.server.statistics.acceptedConnections == 0)

        // The same redirect with every address allowed reaches the target: it is the policy
        // that stopped it above, not the redirect.
        let response = try await Self.client(.any).send(HTTPRequest(url: entry.url("/outside")))
        #expect(response.status == 200)
        #expect(target.requests == 1)
    }

    @Test func anyAllowsLoopbackAsBefore() async throws {
        let server = try RoutedServer(["/feed": .status(200)])
        let response = try await Self.client(.any).send(HTTPRequest(url: server.url("/feed")))
        #expect(response.status == 200)
        #expect(server.requests == 1)
    }

    @Test func theRefusalNamesTheCauseAndNothingFetched() {
        let text = HTTPError.addressNotAllowed(host: "feeds.example", address: "10.0.0.7").description
        #expect(text.contains("feeds.example"))
        #expect(text.contains("10.0.0.7"))
        #expect(text.contains("non-public"))
    }
}
