import Foundation
import GRDB
import ReaderModels

extension SQLiteSyncRepository {
    /// The user whose token hashes to the stored hash; nil for any other token.
    public func authenticate(token: String) async throws -> UserAccount? {
        let hash = BearerToken.hash(token)
        let found = try await pool.read { db -> (account: UserAccount, hash: String)? in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT id, name, token_hash FROM users WHERE token_hash = ?", arguments: [hash]
            ) else { return nil }
            return (UserAccount(id: row[0], name: row[1]), row[2])
        }
        // The lookup is by hash, which tells a guesser nothing; the final comparison is in
        // constant time all the same, so no byte of a stored hash leaks through timing.
        guard let found, BearerToken.constantTimeEquals(found.hash, hash) else { return nil }
        return found.account
    }

    /// Adds a user with a new random token and returns the token; only its hash is stored.
    public func addUser(named name: String) async throws -> String {
        try UserName.check(name)
        let token = BearerToken.generate()
        let hash = BearerToken.hash(token)
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?)", arguments: [name]) == true {
                throw RepositoryError("a user named \(name) already exists")
            }
            try db.execute(
                sql: "INSERT INTO users (name, token_hash, created_at) VALUES (?, ?, ?)",
                arguments: [name, hash, self.nowText]
            )
        }
        return token
    }

    /// Removes a user, their notes, state, subscriptions, applied mutations and change rows.
    public func removeUser(named name: String) async throws {
        try await pool.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE name = ?", arguments: [name]) else {
                throw RepositoryError("no user named \(name)")
            }
            // The user's rows in the other tables go by cascade; change rows have no foreign key.
            try db.execute(sql: "DELETE FROM changes WHERE user_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [id])
        }
    }

    /// Every user, by name.
    public func users() async throws -> [UserSummary] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, created_at FROM users ORDER BY name").map {
                UserSummary(name: $0[0], createdAt: $0[1])
            }
        }
    }
}
