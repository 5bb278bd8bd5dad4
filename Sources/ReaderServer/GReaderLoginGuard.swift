import Crypto
import Dispatch
import Foundation
import Synchronization

/// Keeps password guessing slow: at most `concurrent` scrypt checks run at once (each takes
/// 32 MiB and a core for tens of milliseconds), at most `maxQueued` more wait for a slot,
/// and a name that keeps failing is refused for a while before any password is checked.
///
/// After `freeFailures` failed logins in a row, each further failure closes the name for
/// twice as long as the last, from one second up to `maxLockSeconds`; a success opens it.
/// An attempt counts as failed from the moment its check starts, and the lock is checked
/// again inside the gate right before that, so many logins sent at once for one name get
/// no more checks than the same logins sent one after another.
/// Names are counted whether or not a user has them, so a lockout tells nothing about which
/// names exist. They are kept as SHA-256 digests, so a record's size does not depend on
/// what a client sends. At most `maxNames` are remembered: when full, the names not closed
/// now are forgotten first, which an attacker can force only by paying a password check
/// per name. This memory is the first line, and the only one on an engine one process owns.
///
/// With `shared` storage that keeps counts (PostgreSQL, where several instances serve one
/// database), each check that passes this memory also counts, in one statement, in the
/// database (`GReaderStorage.greaderLoginBegin`): a name closed by failures on any instance
/// is closed on all, a guesser gets no more checks from N instances than from one, and a
/// restart forgets nothing. A lock the database reports is remembered here too, so the
/// next attempts are refused before any query. When the database cannot answer, the login
/// is refused as busy, before any password check.
final class GReaderLoginGuard: Sendable {
    static let freeFailures = GReaderLoginLimits.freeFailures
    static let maxLockSeconds = GReaderLoginLimits.maxLockSeconds
    static let concurrent = 2
    /// Checks waiting for a slot beyond which a login is answered 429 at once: each waiting
    /// login holds its request and connection, and past a few dozen the wait is longer than
    /// apps are willing to wait anyway.
    static let maxQueued = 64
    static let maxNames = 10_000

    /// What became of one login attempt.
    enum Outcome: Equatable, Sendable {
        case success
        case failure
        /// The name is closed for this many seconds; no password was checked.
        case locked(seconds: Int)
        /// Too many checks are waiting already; no password was checked.
        case busy
    }

    private struct Record {
        var failures = 0
        var lockedUntilMillis: Int64 = 0
    }

    private let records = Mutex<[Data: Record]>([:])
    private let gate: PageGate
    private let capacity: Int
    /// Checks running or waiting for a slot.
    private let pending = Atomic<Int>(0)
    /// Password checks begun since start (for tests: which paths reach scrypt).
    let checksStarted = Atomic<Int>(0)
    private let nowMillis: @Sendable () -> Int64
    private let shared: (any GReaderStorage)?

    init(
        nowMillis: @escaping @Sendable () -> Int64, shared: (any GReaderStorage)? = nil,
        concurrent: Int = GReaderLoginGuard.concurrent, maxQueued: Int = GReaderLoginGuard.maxQueued
    ) {
        self.nowMillis = nowMillis
        self.shared = shared
        gate = PageGate(permits: concurrent)
        capacity = max(concurrent, 1) + max(maxQueued, 0)
    }

    /// Checks running or waiting now.
    var pendingChecks: Int { pending.load(ordering: .relaxed) }

    private static func key(_ name: String) -> Data {
        Data(SHA256.hash(data: Data(name.utf8)))
    }

    /// The name as the shared count keeps it: its SHA-256, 64 hex digits.
    static func digest(_ name: String) -> String {
        key(name).map { String(format: "%02x", $0) }.joined()
    }

    /// Seconds until `name` may try again; nil when it may try now.
    func wait(for name: String) -> Int? {
        let now = nowMillis()
        let key = Self.key(name)
        return records.withLock { records in
            guard let record = records[key], record.lockedUntilMillis > now else { return nil }
            return Int((record.lockedUntilMillis - now + 999) / 1000)
        }
    }

    /// Checks a password for `name`: refused at once when the name is closed or the queue is
    /// full; else, once a slot is free, the lock is checked again, the attempt is counted as
    /// a failure, and `body` runs on a thread of its own (a check holds its thread for its
    /// whole run, and the cooperative pool has only as many threads as cores, which every
    /// other request needs). A true answer opens the name again.
    func attempt(_ name: String, _ body: @escaping @Sendable () -> Bool) async -> Outcome {
        if let seconds = wait(for: name) { return .locked(seconds: seconds) }
        let admitted = pending.wrappingAdd(1, ordering: .relaxed).newValue <= capacity
        defer { pending.wrappingSubtract(1, ordering: .relaxed) }
        guard admitted else { return .busy }
        let outcome: Outcome? = try? await gate.run {
            if let seconds = self.begin(name) { return .locked(seconds: seconds) }
            if let shared = self.shared {
                let now = self.nowMillis()
                do {
                    if let seconds = try await shared.greaderLoginBegin(digest: Self.digest(name), nowMillis: now, maxRows: Self.maxNames) {
                        self.lock(name, untilMillis: now + Int64(seconds) * 1000)
                        return .locked(seconds: seconds)
                    }
                } catch {
                    return .busy
                }
            }
            self.checksStarted.wrappingAdd(1, ordering: .relaxed)
            let matched = await withCheckedContinuation { continuation in
                DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: body()) }
            }
            guard matched else { return .failure }
            self.succeeded(name)
            if let shared = self.shared {
                // The password was right: a database that cannot forget now only leaves a
                // count that expires, which is no reason to refuse this login.
                try? await shared.greaderLoginSucceeded(digest: Self.digest(name))
            }
            return .success
        }
        return outcome ?? .failure
    }

    /// Seconds `name` is still closed for; else counts a failed attempt (undone by
    /// `succeeded`) and answers nil, in one step so two slots cannot both pass one check.
    private func begin(_ name: String) -> Int? {
        let now = nowMillis()
        let key = Self.key(name)
        return records.withLock { records in
            if let record = records[key], record.lockedUntilMillis > now {
                return Int((record.lockedUntilMillis - now + 999) / 1000)
            }
            Self.countFailure(key, in: &records, now: now)
            return nil
        }
    }

    func failed(_ name: String) {
        let now = nowMillis()
        let key = Self.key(name)
        records.withLock { Self.countFailure(key, in: &$0, now: now) }
    }

    private static func countFailure(_ key: Data, in records: inout [Data: Record], now: Int64) {
        if records[key] == nil, records.count >= maxNames {
            records = records.filter { $0.value.lockedUntilMillis > now }
            guard records.count < maxNames else { return }
        }
        var record = records[key] ?? Record()
        record.failures += 1
        let seconds = GReaderLoginLimits.lockSeconds(afterFailures: record.failures)
        if seconds > 0 { record.lockedUntilMillis = now + seconds * 1000 }
        records[key] = record
    }

    /// Closes `name` here until `untilMillis` (a lock another instance counted).
    private func lock(_ name: String, untilMillis: Int64) {
        let key = Self.key(name)
        records.withLock { records in
            guard records[key] != nil || records.count < Self.maxNames else { return }
            var record = records[key] ?? Record()
            record.lockedUntilMillis = max(record.lockedUntilMillis, untilMillis)
            records[key] = record
        }
    }

    func succeeded(_ name: String) {
        let key = Self.key(name)
        _ = records.withLock { $0.removeValue(forKey: key) }
    }
}
