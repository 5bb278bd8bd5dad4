import Foundation
import Hummingbird
import HummingbirdTesting
import ReaderModels
@testable import ReaderServer
import Testing

/// `/health` says the process is up; `/ready` says the database answers, and says no when
/// it cannot be read or does not answer in time.
@Suite struct HealthTests {
    @Test func readyFailsOnceTheDatabaseCannotBeReadWhileHealthStaysUp() async throws {
        let server = try TestServer()
        // A deadline no busy machine reaches, so only the closed connections below make the
        // answer 503 (the default two seconds were passed under a loaded test run).
        let app = Application(router: buildRouter(server.repository, accessLog: .discard, readinessTimeout: .seconds(600)))
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/ready", method: .get).status == .ok)
            // The repository's own connections closed: every read now fails, as it would on
            // a database gone from under the server.
            try server.repository.pool.close()
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(String(buffer: ready.body) == #"{"status":"unavailable"}"#)
            #expect(ready.headers[.cacheControl] == "no-store")
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test func readyFailsWhenTheDatabaseDoesNotAnswerInTime() async throws {
        let server = try TestServer()
        let app = Application(router: buildRouter(
            StuckReadiness(base: server.repository), accessLog: .discard, readinessTimeout: .milliseconds(20)
        ))
        try await app.test(.router) { client in
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
        }
    }
}

/// The SQLite repository, but its readiness read never ends (until cancelled).
private struct StuckReadiness: SyncRepository {
    let base: SQLiteSyncRepository

    func checkReadiness() async throws {
        try await Task.sleep(for: .seconds(3600))
    }

    func authenticate(token: String) async throws -> UserAccount? { try await base.authenticate(token: token) }
    func changes(for user: UserAccount, since cursor: Int64, limit: Int, maxBytes: Int) async throws -> ChangePage {
        try await base.changes(for: user, since: cursor, limit: limit, maxBytes: maxBytes)
    }
    func changes(for user: UserAccount, before: Int64?, limit: Int, maxBytes: Int) async throws -> ChangePage {
        try await base.changes(for: user, before: before, limit: limit, maxBytes: maxBytes)
    }
    func push(_ request: PushRequest, for user: UserAccount) async throws -> PushOutcome { try await base.push(request, for: user) }
    func serverStamp() async -> HLC { await base.serverStamp() }
    func addUser(named name: String) async throws -> String { try await base.addUser(named: name) }
    func removeUser(named name: String) async throws { try await base.removeUser(named: name) }
    func users() async throws -> [UserSummary] { try await base.users() }
    func importFile(at path: String, for users: [String]) async throws -> ImportReport { try await base.importFile(at: path, for: users) }
    func purgeTombstones() async throws -> PurgeReport { try await base.purgeTombstones() }
}
