import Foundation
import GRDB
import ReaderCurl
import ReaderModels
import ReaderStore
import ReaderSync
import Synchronization
import Testing

/// The engine asks for the next page while it applies one (`PullAhead`), when its backend
/// says a pull does not read the device's store; against a real `reader-server`.
@Suite struct PullAheadTests {
    /// The native backend, which holds the device's write lock from the moment it answers
    /// the first pull until it is asked for the second: an engine that waits for each page
    /// to be applied before asking for the next can then not apply the first (its store
    /// gives up after its 5 s busy timeout), while one that asks ahead releases it.
    final class GatedBackend: SyncBackend {
        let inner: NativeSyncBackend
        let pullsAhead: Bool
        private let device: Device
        let lock: WriteLock
        /// The number of articles the device held when each pull was asked for.
        let heldAtEachPull = Mutex<[Int]>([])

        init(_ device: Device, token: String, ahead: Bool) throws {
            inner = NativeSyncBackend(
                client: try CurlHTTPClient(), configuration: SyncConfiguration(serverURL: device.server.url, token: token)
            )
            pullsAhead = ahead
            self.device = device
            lock = try WriteLock(path: device.path)
        }

        deinit { lock.release() }

        func whoAmI() async throws(SyncError) -> WhoAmI { try await inner.whoAmI() }
        func push(_ request: PushRequest) async throws(SyncError) -> PushResponse { try await inner.push(request) }

        func pull(after cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
            try await gated { () async throws(SyncError) in try await inner.pull(after: cursor, limit: limit) }
        }

        func pullNewestFirst(before cursor: String?, limit: Int) async throws(SyncError) -> SyncPullAnswer {
            try await gated { () async throws(SyncError) in try await inner.pullNewestFirst(before: cursor, limit: limit) }
        }

        private func gated(_ pull: () async throws(SyncError) -> SyncPullAnswer) async throws(SyncError) -> SyncPullAnswer {
            let held: Int
            do { held = try device.articleIDs().count } catch { throw .protocolViolation("the test could not read the device: \(error)") }
            let pulls = heldAtEachPull.withLock { $0.append(held); return $0.count }
            if pulls == 2 { lock.release() }
            let answer = try await pull()
            if pulls == 1 {
                do { try lock.take() } catch { throw .protocolViolation("the test could not take the write lock: \(error)") }
            }
            return answer
        }
    }

    /// The device database's write lock, held by a transaction on a thread of its own (GRDB
    /// ends every transaction within the closure that opened it) until released.
    final class WriteLock: Sendable {
        private let queue: DatabaseQueue
        private let taken = DispatchSemaphore(value: 0)
        private let released = DispatchSemaphore(value: 0)
        private let failure = Mutex<String?>(nil)

        init(path: String) throws { queue = try DatabaseQueue(path: path) }

        /// Returns once the lock is held.
        func take() throws {
            Thread.detachNewThread { [self] in
                do {
                    try queue.inTransaction(.immediate) { _ in
                        taken.signal()
                        released.wait()
                        return .rollback
                    }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                    taken.signal()
                }
            }
            taken.wait()
            if let failure = failure.withLock({ $0 }) { throw TestFailure(failure) }
        }

        func release() { released.signal() }
    }

    @Test func theNextPageIsAskedForWhileOneIsApplied() async throws {
        let (server, token) = try await NewestFirstTests.server(articles: 150)
        let device = try Device("ahead", server: server, token: token)
        let backend = try GatedBackend(device, token: token, ahead: true)
        let report = try await SyncEngine(store: device.store, backend: backend, pageSize: 50).sync()
        #expect(report.pulled >= 150)
        // The second page was asked for before the first was applied.
        #expect(backend.heldAtEachPull.withLock { Array($0.prefix(2)) } == [0, 0])

        // The same articles and state as a device that pulled one page at a time.
        let fresh = try Device("one-at-a-time", server: server, token: token)
        try await SyncEngine(store: fresh.store, backend: NewestFirstTests.StoppingBackend(server, token: token, ahead: false), pageSize: 50).sync()
        #expect(try device.articleIDs().count == 150)
        #expect(try device.articleIDs() == fresh.articleIDs())
        #expect(try device.export() == fresh.export())
        #expect(try device.store.syncSettings().backfill == nil)
    }

    @Test func aBackendThatReadsTheStoreIsAskedOnlyOnceThePageBeforeIsApplied() async throws {
        let (server, token) = try await NewestFirstTests.server(articles: 150)
        let device = try Device("in-turn", server: server, token: token)
        let backend = try GatedBackend(device, token: token, ahead: false)
        // Asked in turn, the engine cannot apply the first page while the test holds the
        // lock the second pull would release.
        await #expect(throws: SyncError.self) {
            try await SyncEngine(store: device.store, backend: backend, pageSize: 50).sync()
        }
        backend.lock.release()
        #expect(backend.heldAtEachPull.withLock { $0 } == [0])
        #expect(try device.articleIDs().isEmpty)
    }
}
