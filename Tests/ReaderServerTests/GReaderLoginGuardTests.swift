@testable import ReaderServer
import Dispatch
import Synchronization
import Testing

/// The login guard's memory is bounded, and filling it does not open a closed name.
@Suite struct GReaderLoginGuardTests {
    @Test func aFullTableForgetsOpenNamesFirstAndKeepsClosedOnes() {
        let clock = ManualClock()
        let guardian = GReaderLoginGuard(nowMillis: { clock.millis })
        for _ in 0...GReaderLoginGuard.freeFailures { guardian.failed("ada") }
        #expect(guardian.wait(for: "ada") == 1)
        for index in 0..<GReaderLoginGuard.maxNames { guardian.failed("guess-\(index)") }
        #expect(guardian.wait(for: "ada") == 1, "a closed name stays closed when the table fills")
        for _ in 0..<GReaderLoginGuard.freeFailures { guardian.failed("late") }
        guardian.failed("late")
        #expect(guardian.wait(for: "late") == 1, "after the open names were forgotten there is room again")
        guardian.succeeded("ada")
        #expect(guardian.wait(for: "ada") == nil)
        clock.advance(days: 1)
        #expect(guardian.wait(for: "late") == nil)
    }
}

/// Review fixes: what a login costs and counts cannot be steered by its size, its password
/// or by sending many at once.
@Suite struct GReaderLoginAttemptTests {
    /// An Email over the size of any user name, or with a control character in it (NUL
    /// answered 500 on PostgreSQL, whose text refuses it; on SQLite "ada\0x" was looked up
    /// as "ada" while the guard counted it under another name).
    @Test(arguments: FeedEngine.available)
    func anEmailNoUserCanHaveIsAPlainFailureThatIsNeverCountedOrLockedOut(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 0)
        let storage = try #require(server.repository as? any GReaderStorage)
        let names = [String(repeating: "a", count: GReaderHandlers.maxEmailBytes + 1), "ada\u{0}x", "ada\u{1B}"]
        try await server.app.test(.router) { client in
            var reader = GReaderTestClient(client)
            for name in names {
                for _ in 0...(GReaderLoginGuard.freeFailures + 2) {
                    let response = try await reader.login(name, "guess")
                    #expect(response.status == .unauthorized, "401, never 429 or 500: such a name is not remembered")
                }
            }
        }
        let handlers = GReaderHandlers(repository: storage)
        for name in names {
            await #expect(throws: GReaderError.self) { try await handlers.login(email: name, password: "guess") }
            #expect(handlers.logins.wait(for: name) == nil)
        }
        #expect(handlers.logins.checksStarted.load(ordering: .relaxed) == 0, "no scrypt for a name no user can have")
        await server.close()
    }

    @Test(arguments: FeedEngine.available)
    func anUnacceptablePasswordIsRefusedAlikeForKnownAndUnknownNames(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 0)
        let handlers = GReaderHandlers(repository: try #require(server.repository as? any GReaderStorage))
        for password in [String(repeating: "p", count: GReaderPassword.maxBytes + 1), "ada-pass\r\n"] {
            for name in ["ada", "nobody"] {
                await #expect(throws: GReaderError.self) { try await handlers.login(email: name, password: password) }
            }
        }
        // Before the fix an unknown name burned scrypt while a known one returned at once.
        #expect(handlers.logins.checksStarted.load(ordering: .relaxed) == 0, "neither path reaches a lookup-dependent check")
        #expect(try await handlers.login(email: "ada", password: "ada-pass").name == "ada")
        #expect(handlers.logins.checksStarted.load(ordering: .relaxed) == 1)
        await server.close()
    }

    /// A closed name refuses the right password before it is checked, a success opens it
    /// again on the engine's count too (on PostgreSQL, shared by every instance), and the
    /// next failure counts from zero.
    @Test(arguments: FeedEngine.available)
    func aClosedNameRefusesTheRightPasswordAndASuccessOpensItAgain(_ engine: FeedEngine) async throws {
        let server = try await GReaderTests.server(engine, articles: 0)
        let handlers = GReaderHandlers(repository: try #require(server.repository as? any GReaderStorage))
        for _ in 0...GReaderLoginGuard.freeFailures {
            await #expect(throws: GReaderError.self) { try await handlers.login(email: "ada", password: "wrong") }
        }
        let error = await #expect(throws: GReaderError.self) { try await handlers.login(email: "ada", password: "ada-pass") }
        guard case .throttled(let seconds) = error?.kind else { Issue.record("not throttled: \(String(describing: error))"); return }
        #expect(seconds == 1)
        #expect(handlers.logins.checksStarted.load(ordering: .relaxed) == GReaderLoginGuard.freeFailures + 1)
        server.clock.advance(days: 1)
        #expect(try await handlers.login(email: "ada", password: "ada-pass").name == "ada")
        for _ in 0..<GReaderLoginGuard.freeFailures {
            await #expect(throws: GReaderError.self) { try await handlers.login(email: "ada", password: "wrong") }
        }
        #expect(handlers.logins.wait(for: "ada") == nil, "five failures after a success are free again")
        #expect(try await handlers.login(email: "ada", password: "ada-pass").name == "ada")
        await server.close()
    }

    @Test func concurrentAttemptsForOneNameGetNoMoreChecksThanSequentialOnes() async {
        let clock = ManualClock()
        let guardian = GReaderLoginGuard(nowMillis: { clock.millis })
        let ran = LoginCounter()
        let outcomes = await withTaskGroup(of: GReaderLoginGuard.Outcome.self) { group in
            for _ in 0..<60 {
                group.addTask { await guardian.attempt("ada") { ran.add(); return false } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(ran.value == GReaderLoginGuard.freeFailures + 1, "the lock is checked again in the gate")
        #expect(outcomes.filter { $0 == .failure }.count == GReaderLoginGuard.freeFailures + 1)
        #expect(outcomes.allSatisfy { $0 == .failure || $0 == .locked(seconds: 1) || $0 == .busy })
        #expect(guardian.wait(for: "ada") == 1)
    }

    @Test func aFullQueueIsRefusedAtOnceWithoutACheck() async throws {
        let clock = ManualClock()
        let guardian = GReaderLoginGuard(nowMillis: { clock.millis }, concurrent: 1, maxQueued: 2)
        let release = DispatchSemaphore(value: 0)
        let first = Task { await guardian.attempt("a") { release.wait(); return true } }
        let queued = (0..<2).map { index in Task { await guardian.attempt("q\(index)") { true } } }
        while guardian.pendingChecks < 3 || guardian.checksStarted.load(ordering: .relaxed) < 1 { await Task.yield() }
        #expect(await guardian.attempt("late") { true } == .busy)
        #expect(guardian.checksStarted.load(ordering: .relaxed) == 1)
        release.signal()
        #expect(await first.value == .success)
        for task in queued { #expect(await task.value == .success) }
        #expect(await guardian.attempt("late") { true } == .success, "room again once the queue drains")
    }

    @Test func aBusyLoginIsAnswered429WithRetryAfter() {
        let response = GReaderError(.throttled(seconds: 1), "busy").response
        #expect(response.status == .tooManyRequests)
        #expect(response.headers[.retryAfter] == "1")
    }
}

private final class LoginCounter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
