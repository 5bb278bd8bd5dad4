import Dispatch
import Synchronization

/// Keeps password guessing slow: at most `concurrent` scrypt checks run at once (each takes
/// 32 MiB and a core for tens of milliseconds), and a name that keeps failing is refused for
/// a while before any password is checked.
///
/// After `freeFailures` failed logins in a row, each further failure closes the name for
/// twice as long as the last, from one second up to `maxLockSeconds`; a success opens it.
/// Names are counted whether or not a user has them, so a lockout tells nothing about which
/// names exist. At most `maxNames` are remembered: when full, the names not closed now are
/// forgotten first, which an attacker can force only by paying a password check per name.
/// The state is in memory: a restart forgets it.
final class GReaderLoginGuard: Sendable {
    static let freeFailures = 5
    static let maxLockSeconds: Int64 = 900
    static let concurrent = 2
    static let maxNames = 10_000

    private struct Record {
        var failures = 0
        var lockedUntilMillis: Int64 = 0
    }

    private let records = Mutex<[String: Record]>([:])
    private let gate = PageGate(permits: concurrent)
    private let nowMillis: @Sendable () -> Int64

    init(nowMillis: @escaping @Sendable () -> Int64) {
        self.nowMillis = nowMillis
    }

    /// Seconds until `name` may try again; nil when it may try now.
    func wait(for name: String) -> Int? {
        let now = nowMillis()
        return records.withLock { records in
            guard let record = records[name], record.lockedUntilMillis > now else { return nil }
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

    func failed(_ name: String) {
        let now = nowMillis()
        records.withLock { records in
            if records[name] == nil, records.count >= Self.maxNames {
                records = records.filter { $0.value.lockedUntilMillis > now }
                guard records.count < Self.maxNames else { return }
            }
            var record = records[name] ?? Record()
            record.failures += 1
            let over = record.failures - Self.freeFailures
            if over > 0 {
                let seconds = min(Int64(1) << Int64(min(over - 1, 20)), Self.maxLockSeconds)
                record.lockedUntilMillis = now + seconds * 1000
            }
            records[name] = record
        }
    }

    func succeeded(_ name: String) {
        _ = records.withLock { $0.removeValue(forKey: name) }
    }
}
