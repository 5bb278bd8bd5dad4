import PostgresNIO
import ReaderModels
import ReaderServer

/// The Google Reader API on PostgreSQL: the same answers as the SQLite engine's, query for
/// query (`GReaderStorage` says what every engine promises). Accounts and sessions here;
/// lists, items and writes in the other `PostgresGReader*` files.
extension PostgresSyncRepository: GReaderStorage {
    /// Sets the GReader API password of the user named `name` (hashed with scrypt) and ends
    /// every session logged in with the old one. The native bearer token is unchanged.
    public func setAPIPassword(_ password: String, forUser name: String) async throws {
        try await setAPIPassword(password, forUser: name, cost: .standard)
    }

    package func greaderNowMillis() -> Int64 {
        clock.now()
    }

    package func storeAPIPasswordHash(_ hash: String, forUser name: String) async throws {
        try await write { connection, logger in
            let rows = try await connection.query(
                "UPDATE users SET greader_password = \(hash) WHERE name = \(name) RETURNING id", logger: logger
            )
            var user: Int64?
            for try await id in rows.decode(Int64.self) { user = id }
            guard let user else { throw RepositoryError.unknownUser(name) }
            try await connection.query("DELETE FROM greader_sessions WHERE user_id = \(user)", logger: logger)
        }
    }

    package func apiPassword(ofUser name: String) async throws -> (UserAccount, String)? {
        guard !name.isEmpty, name.utf8.count <= 256 else { return nil }
        return try await read { connection, logger -> (UserAccount, String)? in
            let rows = try await connection.query("SELECT id, name, greader_password FROM users WHERE name = \(name)", logger: logger)
            for try await (id, found, hash) in rows.decode((Int64, String, String?).self) {
                guard let hash else { return nil }
                return (UserAccount(id: id, name: found), hash)
            }
            return nil
        }
    }

    package func startGReaderSession(for user: UserAccount) async throws -> String {
        let token = BearerToken.generate()
        let hash = BearerToken.hash(token)
        let now = clock.now()
        let created = Timestamp.format(millis: now)
        let idle = Timestamp.format(millis: now - GReaderSession.maxIdleMillis)
        let kept = Int64(GReaderSession.maxPerUser)
        try await write { connection, logger in
            try await connection.query(
                "INSERT INTO greader_sessions (token_hash, user_id, created_at) VALUES (\(hash), \(user.id), \(created))",
                logger: logger
            )
            try await connection.query("""
                DELETE FROM greader_sessions WHERE user_id = \(user.id) AND token_hash NOT IN (
                  SELECT token_hash FROM greader_sessions WHERE user_id = \(user.id) ORDER BY created_at DESC, token_hash LIMIT \(kept))
                """, logger: logger)
            // As on SQLite: logins are rare and the table small, so they purge it.
            try await connection.query("DELETE FROM greader_sessions WHERE created_at < \(idle)", logger: logger)
        }
        return token
    }

    package func authenticateGReader(auth token: String) async throws -> UserAccount? {
        guard token.utf8.count <= 128 else { return nil }
        let hash = BearerToken.hash(token)
        let now = clock.now()
        let found = try await read { connection, logger -> (Int64, String, String, String)? in
            let rows = try await connection.query("""
                SELECT u.id, u.name, s.token_hash, s.created_at FROM greader_sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(hash)
                """, logger: logger)
            for try await row in rows.decode((Int64, String, String, String).self) { return row }
            return nil
        }
        guard let (id, name, stored, renewedText) = found else { return nil }
        guard BearerToken.constantTimeEquals(stored, hash) else { return nil }
        let renewed = Self.millis(renewedText) ?? 0
        guard renewed >= now - GReaderSession.maxIdleMillis else { return nil }
        if renewed < now - GReaderSession.renewAfterMillis {
            let renewal = Timestamp.format(millis: now)
            try await write { connection, logger in
                _ = try await connection.query(
                    "UPDATE greader_sessions SET created_at = \(renewal) WHERE token_hash = \(hash)", logger: logger
                )
            }
        }
        return UserAccount(id: id, name: name)
    }

    package func greaderLoginBegin(digest: String, nowMillis now: Int64, maxRows: Int) async throws -> Int? {
        let stale = now - GReaderLoginLimits.staleMillis
        let free = Int64(GReaderLoginLimits.freeFailures)
        let ceiling = GReaderLoginLimits.maxLockSeconds
        let cap = Int64(max(maxRows, 1))
        return try await write { connection, logger -> Int? in
            // One statement counts and closes, and only a row that is open now: concurrent
            // attempts on any instance wait for the row's lock and see each other's count.
            let rows = try await connection.query("""
                INSERT INTO greader_login_failures AS g (name_digest, failures, locked_until, touched)
                VALUES (\(digest), 1, 0, \(now))
                ON CONFLICT (name_digest) DO UPDATE SET
                  failures = CASE WHEN g.touched < \(stale) THEN 1 ELSE g.failures + 1 END,
                  locked_until = CASE
                    WHEN (CASE WHEN g.touched < \(stale) THEN 1 ELSE g.failures + 1 END) > \(free)
                    THEN \(now) + 1000 * least(\(ceiling),
                      (2.0 ^ least((CASE WHEN g.touched < \(stale) THEN 1 ELSE g.failures + 1 END) - \(free) - 1, 20))::bigint)
                    ELSE 0 END,
                  touched = \(now)
                WHERE g.locked_until <= \(now)
                RETURNING (xmax = 0) AS inserted
                """, logger: logger)
            var counted: Bool?
            for try await inserted in rows.decode(Bool.self) { counted = inserted }
            guard let inserted = counted else {
                let locked = try await connection.query(
                    "SELECT locked_until FROM greader_login_failures WHERE name_digest = \(digest)", logger: logger
                )
                var until = now + 1000
                for try await value in locked.decode(Int64.self) { until = value }
                return Int(max((until - now + 999) / 1000, 1))
            }
            if inserted {
                // A new name: stale rows go, and past the cap the open rows touched longest
                // ago. A closed row stays; each took a password check per failure to close.
                try await connection.query("DELETE FROM greader_login_failures WHERE touched < \(stale)", logger: logger)
                try await connection.query("""
                    DELETE FROM greader_login_failures WHERE name_digest IN (
                      SELECT name_digest FROM greader_login_failures
                      WHERE locked_until <= \(now) AND name_digest <> \(digest)
                      ORDER BY touched, name_digest
                      LIMIT greatest((SELECT count(*) FROM greader_login_failures) - \(cap), 0))
                    """, logger: logger)
            }
            return nil
        }
    }

    package func greaderLoginSucceeded(digest: String) async throws {
        try await write { connection, logger in
            _ = try await connection.query("DELETE FROM greader_login_failures WHERE name_digest = \(digest)", logger: logger)
        }
    }

    /// Milliseconds since 1970 of a stored instant; nil for NULL or text that is none.
    static func millis(_ text: String?) -> Int64? {
        text.flatMap(Timestamp.parse).map(Timestamp.millis)
    }

    /// Runs `body` on one connection outside a transaction (one statement, one snapshot),
    /// turning a database failure into a `RepositoryError` without SQL.
    func read<Result: Sendable>(_ body: (PostgresConnection, Logger) async throws -> Result) async throws -> Result {
        do {
            let logger = database.logger
            return try await database.lease { connection in try await body(connection, logger) }
        } catch let error as RepositoryError {
            throw error
        } catch {
            throw RepositoryError(database.describe(error))
        }
    }

    /// Like ``read(_:)``, in one read-only snapshot for a page of several statements.
    func readSnapshot<Result: Sendable>(_ body: (PostgresConnection, Logger) async throws -> Result) async throws -> Result {
        do {
            return try await database.transaction(readOnlySnapshot: true, body)
        } catch let error as RepositoryError {
            throw error
        } catch {
            throw RepositoryError(database.describe(error))
        }
    }
}
