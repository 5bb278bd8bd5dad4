import Foundation
import PostgresNIO
import ReaderModels
@testable import ReaderServer
@testable import ReaderServerPostgres
import Testing

/// The Google Reader API's failed-login count with several instances on one PostgreSQL
/// database: failures on one count on the others, attempts sent to all at once get no more
/// password checks than one instance would give, and the shared table stays bounded.
@Suite(.enabled(if: PostgresTestCluster.canRun, PostgresTestCluster.absent))
struct PostgresGReaderLoginGuardTests {
    @Test func failuresOnOneInstanceCountOnTheOther() async throws {
        let server = try await GReaderEngineServer.make(.postgres, articles: 0)
        let second = try await server.secondInstance()
        let one = GReaderHandlers(repository: server.repository)
        let two = GReaderHandlers(repository: second)
        for attempt in 0...GReaderLoginGuard.freeFailures {
            let handlers = attempt.isMultiple(of: 2) ? one : two
            let error = await #expect(throws: GReaderError.self) { try await handlers.login(email: "ada", password: "guess") }
            #expect(Self.isBadToken(error), "each instance alone has seen at most half the failures")
        }
        // Each instance remembers 3 failures, fewer than the free 5; the database has 6.
        #expect(one.logins.wait(for: "ada") == nil)
        #expect(two.logins.wait(for: "ada") == nil)
        for handlers in [one, two] {
            let error = await #expect(throws: GReaderError.self) { try await handlers.login(email: "ada", password: "ada-pass") }
            #expect(Self.throttledSeconds(error) == 1, "closed on both instances, the right password included")
        }
        #expect(one.logins.wait(for: "ada") == 1, "a lock the database reported is remembered here")
        let checks = one.logins.checksStarted.load(ordering: .relaxed) + two.logins.checksStarted.load(ordering: .relaxed)
        #expect(checks == GReaderLoginGuard.freeFailures + 1)
        // Bob is another name: untouched.
        #expect(try await two.login(email: "bob", password: "bob-pass").name == "bob")
        // Once the lock passes, a success on one instance opens the name on both.
        server.wall.advance(millis: 1_000)
        #expect(try await two.login(email: "ada", password: "ada-pass").name == "ada")
        #expect(try await Self.rows(second) == 0, "bob's and ada's rows went with their successes")
        let error = await #expect(throws: GReaderError.self) { try await one.login(email: "ada", password: "guess") }
        #expect(Self.isBadToken(error), "counting starts again from zero")
        await second.close()
        await server.close()
    }

    @Test func concurrentAttemptsOnTwoInstancesGetNoMoreChecksThanOne() async throws {
        let server = try await GReaderEngineServer.make(.postgres, articles: 0)
        let second = try await server.secondInstance()
        let one = GReaderHandlers(repository: server.repository)
        let two = GReaderHandlers(repository: second)
        await withTaskGroup(of: Void.self) { group in
            for attempt in 0..<40 {
                let handlers = attempt.isMultiple(of: 2) ? one : two
                group.addTask { _ = try? await handlers.login(email: "nobody", password: "guess-\(attempt)") }
            }
        }
        let checks = one.logins.checksStarted.load(ordering: .relaxed) + two.logins.checksStarted.load(ordering: .relaxed)
        #expect(checks == GReaderLoginGuard.freeFailures + 1, "the database's count is one statement, not read then write")
        await second.close()
        await server.close()
    }

    @Test func aFloodOfNamesIsCappedStaleRowsGoAndClosedNamesStay() async throws {
        let server = try await GReaderEngineServer.make(.postgres, articles: 0)
        let repository = server.repository
        let cap = 20
        let ada = GReaderLoginGuard.digest("ada")
        for _ in 0..<GReaderLoginGuard.freeFailures {
            #expect(try await repository.greaderLoginBegin(digest: ada, nowMillis: server.wall.millis, maxRows: cap) == nil)
        }
        #expect(try await repository.greaderLoginBegin(digest: ada, nowMillis: server.wall.millis, maxRows: cap) == nil)
        #expect(try await repository.greaderLoginBegin(digest: ada, nowMillis: server.wall.millis, maxRows: cap) == 1)
        for index in 0..<(cap * 5) {
            let digest = GReaderLoginGuard.digest("guess-\(index)")
            #expect(try await repository.greaderLoginBegin(digest: digest, nowMillis: server.wall.millis, maxRows: cap) == nil)
        }
        #expect(try await Self.rows(repository) == cap, "open rows go first once the cap is reached")
        #expect(try await repository.greaderLoginBegin(digest: ada, nowMillis: server.wall.millis, maxRows: cap) == 1, "still closed")
        // The lock doubles: the seventh counted failure closes for 2 seconds.
        server.wall.advance(millis: 1_000)
        #expect(try await repository.greaderLoginBegin(digest: ada, nowMillis: server.wall.millis, maxRows: cap) == nil)
        #expect(try await repository.greaderLoginBegin(digest: ada, nowMillis: server.wall.millis, maxRows: cap) == 2)
        // A day later every row is stale: ada counts from zero, and a new name prunes the rest.
        server.wall.advance(days: 1)
        server.wall.advance(millis: 1)
        #expect(try await repository.greaderLoginBegin(digest: ada, nowMillis: server.wall.millis, maxRows: cap) == nil)
        #expect(try await repository.greaderLoginBegin(digest: ada, nowMillis: server.wall.millis, maxRows: cap) == nil, "else the 8th failure closed it")
        #expect(try await repository.greaderLoginBegin(digest: GReaderLoginGuard.digest("late"), nowMillis: server.wall.millis, maxRows: cap) == nil)
        #expect(try await Self.rows(repository) == 2)
        await server.close()
    }

    private static func isBadToken(_ error: GReaderError?) -> Bool {
        if case .badToken = error?.kind { return true }
        return false
    }

    private static func throttledSeconds(_ error: GReaderError?) -> Int? {
        if case .throttled(let seconds) = error?.kind { return seconds }
        return nil
    }

    private static func rows(_ storage: any GReaderStorage) async throws -> Int {
        let repository = try #require(storage as? PostgresSyncRepository)
        var count = -1
        for try await value in try await repository.database.client.query(
            "SELECT count(*) FROM greader_login_failures", logger: repository.database.logger
        ).decode(Int.self) {
            count = value
        }
        return count
    }
}
