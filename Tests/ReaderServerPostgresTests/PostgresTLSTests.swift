import Foundation
import PostgresNIO
import PostgresSupport
import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// TLS to PostgreSQL as libpq's `sslmode` promises it, against a real cluster with TLS on
/// (`.ci/postgres start --tls`): its certificate names `localhost` only.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresTLSTests {
    /// Whether the session at `url` is encrypted, as the server sees it.
    static func encrypted(_ url: String) async throws -> Bool {
        let pool = PostgresPool(url: try PostgresURL(url), maxConnections: 1)
        do {
            try await pool.checkReachable()
            var found: [Bool] = []
            let rows = try await pool.client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: pool.logger)
            for try await ssl in rows.decode(Bool.self) { found.append(ssl) }
            await pool.close()
            try #require(found.count == 1, "one row of pg_stat_ssl for this session")
            return found[0]
        } catch {
            await pool.close()
            throw error
        }
    }

    /// The one line opening a repository at `url` fails with.
    static func failure(_ url: String) async throws -> String {
        do {
            let repository = try await PostgresSyncRepository(url: try PostgresURL(url))
            await repository.close()
            Issue.record("\(url) connected")
            return ""
        } catch let error as RepositoryError {
            #expect(!error.message.contains("\n"))
            return error.message
        }
    }

    @Test func requireEncryptsWithoutCheckingTheCertificate() async throws {
        let cluster = try await PostgresTLSCluster.server.value
        #expect(try await Self.encrypted(cluster.url(host: "127.0.0.1", "sslmode=require")))
        #expect(try await Self.encrypted(cluster.url(host: "127.0.0.1", "sslmode=prefer")))
        #expect(try await !Self.encrypted(cluster.url(host: "127.0.0.1", "sslmode=disable")))
    }

    @Test func verifyFullConnectsWithTheRightRootAndHost() async throws {
        let cluster = try await PostgresTLSCluster.server.value
        #expect(try await Self.encrypted(cluster.url("sslmode=verify-full&sslrootcert=\(cluster.ca)")))
        // verify-ca checks the chain only, so an address the certificate does not name passes.
        #expect(try await Self.encrypted(cluster.url(host: "127.0.0.1", "sslmode=verify-ca&sslrootcert=\(cluster.ca)")))
    }

    @Test func aWrongRootIsRefusedInOneLine() async throws {
        let cluster = try await PostgresTLSCluster.server.value
        for mode in ["verify-full", "verify-ca"] {
            let message = try await Self.failure(cluster.url("sslmode=\(mode)&sslrootcert=\(cluster.otherCA)"))
            #expect(message.contains("not signed by a trusted root"), "\(message)")
        }
        // Without sslrootcert, the system's roots: they do not know the test CA either.
        let message = try await Self.failure(cluster.url("sslmode=verify-full"))
        #expect(message.contains("not signed by a trusted root"), "\(message)")
    }

    @Test func aWrongHostNameIsRefusedInOneLine() async throws {
        let cluster = try await PostgresTLSCluster.server.value
        let message = try await Self.failure(cluster.url(host: "127.0.0.1", "sslmode=verify-full&sslrootcert=\(cluster.ca)"))
        #expect(message.contains("does not name this host"), "\(message)")
    }

    @Test func anUnreadableRootFileIsRefusedInOneLine() async throws {
        let cluster = try await PostgresTLSCluster.server.value
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).pem").path
        let message = try await Self.failure(cluster.url("sslmode=verify-full&sslrootcert=\(missing)"))
        #expect(message.contains("is not a readable PEM certificate file"), "\(message)")
    }

    @Test func aServerWithoutTLSFailsWhenTLSIsRequired() async throws {
        let plain = try await PostgresTestCluster.server.value
        let base = "postgres://\(plain.user)@\(plain.host):\(plain.port)/\(plain.database)"
        let message = try await Self.failure(base + "?sslmode=require")
        #expect(message.contains("does not offer TLS"), "\(message)")
        // libpq's default, prefer, falls back to plain TCP there.
        #expect(try await !Self.encrypted(base))
    }
}
