import Foundation
import GRDB
import ReaderModels

/// API passwords and ClientLogin sessions in the server's database.
extension SQLiteSyncRepository: GReaderStorage {
    /// Sets the GReader API password of the user named `name` (hashed with scrypt) and ends
    /// every session logged in with the old one. The native bearer token is unchanged.
    public func setAPIPassword(_ password: String, forUser name: String) async throws {
        try await setAPIPassword(password, forUser: name, cost: .standard)
    }

    package func greaderNowMillis() -> Int64 {
        clock.now()
    }

    package func storeAPIPasswordHash(_ hash: String, forUser name: String) async throws {
        try await pool.write { db in
            let user = try Self.userID(db, named: name)
            try db.execute(sql: "UPDATE users SET greader_password = ? WHERE id = ?", arguments: [hash, user])
            try db.execute(sql: "DELETE FROM greader_sessions WHERE user_id = ?", arguments: [user])
        }
    }

    package func apiPassword(ofUser name: String) async throws -> (UserAccount, String)? {
        guard !name.isEmpty, name.utf8.count <= 256 else { return nil }
        return try await pool.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT id, name, greader_password FROM users WHERE name = ?", arguments: [name]
            ), let hash = row[2] as String? else { return nil }
            return (UserAccount(id: row[0], name: row[1]), hash)
        }
    }

    package func startGReaderSession(for user: UserAccount) async throws -> String {
        let token = BearerToken.generate()
        let hash = BearerToken.hash(token)
        let now = clock.now()
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO greader_sessions (token_hash, user_id, created_at) VALUES (?, ?, ?)",
                arguments: [hash, user.id, Timestamp.format(millis: now)]
            )
            try db.execute(sql: """
                DELETE FROM greader_sessions WHERE user_id = ?1 AND token_hash NOT IN (
                  SELECT token_hash FROM greader_sessions WHERE user_id = ?1 ORDER BY created_at DESC, token_hash LIMIT ?2)
                """, arguments: [user.id, GReaderSession.maxPerUser])
            // Logins are rare and the table small (32 sessions a user at most), so purging
            // here keeps it free of dead sessions without a timer of its own.
            try db.execute(sql: "DELETE FROM greader_sessions WHERE created_at < ?",
                           arguments: [Timestamp.format(millis: now - GReaderSession.maxIdleMillis)])
        }
        return token
    }

    /// `created_at` is when the session was made or last renewed: a session in use is
    /// renewed at most once per `GReaderSession.renewAfterMillis`, so reads stay reads
    /// nearly always, and an app that keeps syncing is never logged out.
    package func authenticateGReader(auth token: String) async throws -> UserAccount? {
        guard token.utf8.count <= 128 else { return nil }
        let hash = BearerToken.hash(token)
        let now = clock.now()
        let found = try await pool.read { db -> (UserAccount, String, String)? in
            try Row.fetchOne(db, sql: """
                SELECT u.id, u.name, s.token_hash, s.created_at FROM greader_sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = ?
                """, arguments: [hash]).map { (UserAccount(id: $0[0], name: $0[1]), $0[2], $0[3]) }
        }
        guard let found, BearerToken.constantTimeEquals(found.1, hash) else { return nil }
        let renewed = Self.millis(found.2) ?? 0
        guard renewed >= now - GReaderSession.maxIdleMillis else { return nil }
        if renewed < now - GReaderSession.renewAfterMillis {
            try await pool.write { db in
                try db.execute(sql: "UPDATE greader_sessions SET created_at = ? WHERE token_hash = ?",
                               arguments: [Timestamp.format(millis: now), hash])
            }
        }
        return found.0
    }
}
