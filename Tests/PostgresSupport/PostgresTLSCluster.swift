import Foundation
import LoopbackHTTP
import ReaderServerPostgres

/// A second throwaway cluster with TLS on (`.ci/postgres start --tls`), started on first use
/// by the tests that need it and stopped when the test process ends. Its certificate names
/// `localhost` only, signed by ``Cluster/ca``; ``Cluster/otherCA`` signed nothing.
public enum PostgresTLSCluster {
    /// Where the TLS cluster is and which files hold its roots.
    public struct Cluster: Sendable {
        /// The cluster's port on 127.0.0.1 (and so on `localhost`).
        public var port: Int
        /// The PEM file of the CA that signed the server's certificate.
        public var ca: String
        /// The PEM file of a CA that signed nothing.
        public var otherCA: String

        /// A URL to the cluster's `postgres` database through `host`, with `query` appended.
        public func url(host: String = "localhost", _ query: String) -> String {
            "postgres://reader@\(host):\(port)/postgres?\(query)"
        }
    }

    /// The cluster, started once per process.
    public static let server = Task<Cluster, any Error> {
        let started = try await ChildProcess.run(
            PostgresTestCluster.root.appendingPathComponent(".ci/postgres"),
            ["start", "--tls", "--owner", String(ProcessInfo.processInfo.processIdentifier), "--no-install"]
        )
        let lines = started.stdout.split(separator: "\n")
        func value(_ prefix: String) -> String? {
            lines.first(where: { $0.hasPrefix(prefix + "=") }).map { String($0.dropFirst(prefix.count + 1)) }
        }
        guard started.status == 0, let given = value("READER_TEST_POSTGRES_URL"), let ca = value("READER_TEST_POSTGRES_CA") else {
            throw PostgresTestCluster.ClusterError(
                started.stderr.isEmpty ? ".ci/postgres start --tls printed no URL (\(started.termination))" : started.stderr
            )
        }
        let url = try PostgresURL(given)
        let folder = URL(fileURLWithPath: ca).deletingLastPathComponent()
        return Cluster(port: url.port, ca: ca, otherCA: folder.appendingPathComponent("other-ca.pem").path)
    }
}
