import Foundation
import ReaderHTTP
import ReaderSync
import Testing

/// docs/SYNC.md, guarantees 2, 3 and 10 through a network that misbehaves: whatever the proxy
/// does, nothing is lost, nothing is applied twice, and once the network heals every
/// device converges.
@Suite struct FaultTests {
    @Test func devicesConvergeThroughAFaultyNetwork() async throws {
        let seed = testSeed()
        var rng = SeededGenerator(seed: seed)
        let server = try await TestServer()
        let token = try await server.addUser("alice")
        let proxy = try FaultProxy(upstream: server.url, seed: seed)
        let retry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5), maxDelay: .milliseconds(40), maxRetryAfter: .seconds(2))
        let devices = try (0..<3).map { try Device("device\($0)", server: server, token: token, url: proxy.url, retry: retry) }
        proxy.setFaults(false)
        for device in devices { try await device.sync() }
        proxy.setFaults(true)
        let articleIDs = try devices[0].store.articles().map(\.id)

        var failures = 0
        for _ in 0..<operationCount(default: 150) {
            let device = devices.randomElement(using: &rng) ?? devices[0]
            try RandomEdits.apply(to: device.store, articleIDs: articleIDs, using: &rng)
            if Int.random(in: 0..<4, using: &rng) == 0 {
                let syncing = devices.randomElement(using: &rng) ?? devices[0]
                do {
                    try await syncing.sync()
                } catch let error as SyncError where error.isTemporary || isTransport(error) {
                    failures += 1 // the network is bad; the outbox waits for the next sync
                }
            }
        }
        proxy.setFaults(false)
        for device in devices { try await device.sync() }
        for device in devices { try await device.sync() }

        let exports = try devices.map { try $0.export() }
        for export in exports.dropFirst() {
            #expect(export == exports[0], "replay with READER_SYNC_SEED=\(seed); faults: \(proxy.counts)")
        }
        for device in devices { #expect(try device.store.status().pendingMutations == 0) }
        #expect(try devices.allSatisfy { try $0.store.rejectedMutations().isEmpty }, "seed \(seed)")
        let used = proxy.counts
        #expect(used.count >= 6, "too few kinds of fault were exercised: \(used)")
        print("fault test seed \(seed): \(failures) syncs failed and were retried later; faults \(used)")
    }

    private func isTransport(_ error: SyncError) -> Bool {
        if case .network = error { return true }
        if case .protocolViolation = error { return true } // a truncated body that still parsed as HTTP
        return false
    }
}
