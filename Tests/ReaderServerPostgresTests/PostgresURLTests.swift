import ReaderServer
import ReaderServerPostgres
import Testing

/// `--database` takes a PostgreSQL URL and refuses, in one line, what the engine cannot honour.
@Suite struct PostgresURLTests {
    @Test func readsEveryPart() throws {
        let url = try PostgresURL("postgres://reader:s%40cret@127.0.0.1:54321/sync?sslmode=disable")
        #expect(url.user == "reader")
        #expect(url.password == "s@cret")
        #expect(url.host == "127.0.0.1")
        #expect(url.port == 54321)
        #expect(url.database == "sync")
        #expect(url.description == "postgres://reader@127.0.0.1:54321/sync", "no password in what is shown")
        #expect(try PostgresURL("postgresql://reader@db/sync").port == 5432)
        #expect(url.sslMode == .disable)
    }

    @Test func readsTLSSettingsAsLibpqDoes() throws {
        let plain = try PostgresURL("postgres://reader@db/sync")
        #expect(plain.sslMode == .prefer, "libpq's default")
        #expect(plain.sslRootCert == nil)
        for mode in PostgresURL.SSLMode.allCases {
            #expect(try PostgresURL("postgres://reader@db/sync?sslmode=\(mode.rawValue)").sslMode == mode)
        }
        let pinned = try PostgresURL("postgres://reader@db/sync?sslmode=verify-full&sslrootcert=/etc/ca%20certs/root.pem")
        #expect(pinned.sslMode == .verifyFull)
        #expect(pinned.sslRootCert == "/etc/ca certs/root.pem")
        #expect(try PostgresURL("postgres://reader@db/sync?sslmode=verify-ca&sslrootcert=system").sslRootCert == nil)
    }

    @Test func refusesWhatItCannotHonour() {
        for text in [
            "sync.sqlite", "http://reader@host/db", "postgres://host/db", "postgres://reader@/db", "postgres://reader@host",
            "postgres://reader@host/a/b", "postgres://reader@host/db?x=1",
            "postgres://reader@host/db?sslmode=allow", "postgres://reader@host/db?sslmode=REQUIRE", "postgres://reader@host/db?sslmode",
            "postgres://reader@host/db?sslmode=require&sslrootcert=/ca.pem", "postgres://reader@host/db?sslcert=/c.pem",
            "postgres://reader@host/db?sslmode=verify-full&sslrootcert=",
            "postgres://reader@host:0/db", "postgres://reader@host/" + String(repeating: "d", count: 3000),
        ] {
            #expect(throws: RepositoryError.self, "\(text)") { try PostgresURL(text) }
        }
        #expect(throws: RepositoryError("--database: sslmode=allow is not supported (use one of disable, prefer, require, verify-ca, verify-full)")) {
            try PostgresURL("postgres://reader@host/db?sslmode=allow")
        }
    }
}
