import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import Testing

/// TLS against `openssl s_server` on loopback with a throwaway self-signed certificate.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
struct TLSTests {
    @Test func verifiesCertificatesAndTrustsAnExtraCABundle() async throws {
        let directory = try TestFolder.make("tls")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try await runOpenSSL([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        let port = closedPort()
        let server = try ChildProcess(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"]
        )
        defer {
            server.signal(SIGKILL)
            server.wait()
        }
        #expect(await eventually { canConnect(port: port) })

        let url = try #require(URL(string: "https://127.0.0.1:\(port)/"))
        let error = await failure { try await makeClient().send(HTTPRequest(url: url)) }
        guard case .tls(let host, let detail) = error else {
            Issue.record("expected a TLS error, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1:\(port)")
        #expect(detail.contains("certificate"))

        let trusting = try CurlHTTPClient(configuration: HTTPClientConfiguration(extraCABundlePath: cert, proxy: .direct))
        let response = try await trusting.send(HTTPRequest(url: url))
        #expect(response.status == 200)
        #expect(response.text.contains("s_server"))
    }

    @Test func refusesAnUnreadableCABundle() {
        #expect(throws: HTTPError.self) {
            try CurlHTTPClient(configuration: HTTPClientConfiguration(extraCABundlePath: "/nonexistent.pem"))
        }
    }

    private func runOpenSSL(_ arguments: [String]) async throws {
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/openssl"), arguments)
        #expect(result.status == 0, "\(result)")
    }

    private func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
