import PostgresNIO
import ReaderServer

extension PostgresSyncRepository {
    /// The user whose token hashes to the stored hash; nil for any other token.
    public func authenticate(token: String) async throws -> UserAccount? {
        let hash = BearerToken.hash(token)
        let logger = database.logger
        let found = try await database.lease { connection -> (account: UserAccount, hash: String)? in
            let rows = try await connection.query("SELECT id, name, token_hash FROM users WHERE token_hash = \(hash)", logger: logger)
            var found: (account: UserAccount, hash: String)?
            for try await (id, name, stored) in rows.decode((Int64, String, String).self) {
                found = (UserAccount(id: id, name: name), stored)
            }
            return found
        }
        // The lookup is by hash, which tells a guesser nothing; the final comparison is in
        // constant time all the same, as on SQLite.
        guard let found, BearerToken.constantTimeEquals(found.hash, hash) else { return nil }
        return found.account
    }

    /// Adds a user with a new random token and returns the token; only its hash is stored.
    /// The user's change feed starts with them, at sequence 0.
    public func addUser(named name: String) async throws -> String {
        try UserName.check(name)
        let token = BearerToken.generate()
        let hash = BearerToken.hash(token)
        let now = nowText
        do {
            try await database.transaction { connection, logger in
                _ = try await connection.query("""
                    WITH added AS (
                      INSERT INTO users (name, token_hash, created_at) VALUES (\(name), \(hash), \(now)) RETURNING id
                    )
                    INSERT INTO change_feeds (user_id) SELECT id FROM added
                    """, logger: logger)
            }
        } catch where PostgresPool.sqlState(of: error) == "23505" {
            // The unique index decides, so two instances adding the same name at once
            // cannot both succeed.
            throw RepositoryError("a user named \(name) already exists")
        } catch {
            throw RepositoryError(database.describe(error))
        }
        return token
    }

    /// Removes a user and, by cascade, their notes, state, subscriptions, applied
    /// mutations, change rows and change feed.
    public func removeUser(named name: String) async throws {
        try await write { connection, logger in
            let rows = try await connection.query("DELETE FROM users WHERE name = \(name) RETURNING id", logger: logger)
            var removed = false
            for try await _ in rows.decode(Int64.self) { removed = true }
            guard removed else { throw RepositoryError("no user named \(name)") }
        }
    }

    /// Every user, by name.
    public func users() async throws -> [UserSummary] {
        do {
            let logger = database.logger
            return try await database.lease { connection in
                let rows = try await connection.query("SELECT name, created_at FROM users ORDER BY name", logger: logger)
                var users: [UserSummary] = []
                for try await (name, createdAt) in rows.decode((String, String).self) {
                    users.append(UserSummary(name: name, createdAt: createdAt))
                }
                return users
            }
        } catch {
            throw RepositoryError(database.describe(error))
        }
    }
}
