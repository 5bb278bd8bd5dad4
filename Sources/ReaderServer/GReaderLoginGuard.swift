import Dispatch
import Synchronization

/// Keeps password guessing slow: at most `concurrent` scrypt checks run at once (each takes
/// 32 MiB and a core for tens of milliseconds), and a name that keeps failing is refused for
/// a while before its password is even checked.
///
/// After `freeFailures` failed logins in a row, each further failure closes the name for
/// twice as long as the last, from one second up to `maxLockSeconds`; a success opens it.
/// Only names of real users are counted, so the table is as small as the user list. The
/// state is in memory: a restart forgets it, which costs an attacker a restart they cannot cause.
final class GReaderLoginGuard: Sendable {
    static let freeFailures = 5
    static let maxLockSeconds: Int64 = 900
    static let concurrent = 2

    private struct Record {
        var failures = 0
        var lockedUntilMillis: Int64 = 0
    }

    private let records = Mutex<[Int64: Record]>([:])
    private let gate = PageGate(permits: concurrent)
    private let nowMillis: @Sendable () -> Int64

    init(nowMillis: @escaping @Sendable () -> Int64) {
        self.nowMillis = nowMillis
    }

    /// Seconds until `user` may try again; nil when they may try now.
    func wait(for user: Int64) -> Int? {
        let now = nowMillis()
        return records.withLock { records in
            guard let record = records[user], record.lockedUntilMillis > now else { return nil }
            return Int((record.lockedUntilMillis - now + 999) / 1000)
        }
    }

    /// Runs a password check once a slot is free, on a thread of its own: a check holds its
    /// thread for its whole run, and the cooperative pool has only as many threads as
    /// cores, which every other request needs.
    func check(_ body: @escaping @Sendable () -> Bool) async -> Bool {
        (try? await gate.run {
            await withCheckedContinuation { continuation in
                DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: body()) }
            }
        }) ?? false
    }

    func failed(_ user: Int64) {
        let now = nowMillis()
        records.withLock { records in
            var record = records[user] ?? Record()
            record.failures += 1
            let over = record.failures - Self.freeFailures
            if over > 0 {
                let seconds = min(Int64(1) << Int64(min(over - 1, 20)), Self.maxLockSeconds)
                record.lockedUntilMillis = now + seconds * 1000
            }
            records[user] = record
        }
    }

    func succeeded(_ user: Int64) {
        _ = records.withLock { $0.removeValue(forKey: user) }
    }
}
