import Foundation
import GRDB
import GRDBSQLite
import Synchronization

extension ReaderStore {
    /// Runs `body`, a run of write transactions such as a refresh, with the write-ahead log
    /// copied into the database by a thread of its own rather than by the writer.
    ///
    /// SQLite's automatic checkpoint runs on the writer's thread after a commit, and copies
    /// the log and waits for the disk (two syncs) while no article is written. Here the
    /// writer only counts the log's pages after each commit: past `backgroundBytes` it
    /// wakes a checkpointer with a connection of its own, which copies what is committed
    /// while the writer goes on (a passive checkpoint: it never waits for the writer, nor
    /// the writer for it). The log starts again from its beginning at the first write after
    /// a checkpoint has caught up. Should the writer outrun the checkpointer, it checkpoints
    /// itself at `autocheckpointBytes`, so the log stays bounded, as it does outside this call.
    package func checkpointingBeside<T>(backgroundBytes: Int = 8 << 20, _ body: () async throws -> T) async throws -> T {
        // Without a connection of its own, the writer checkpoints as it always does.
        guard let pageSize = try? await pool.read({ Self.pageSize($0) }),
              let checkpointer = try? WALCheckpointer(
                  path: path, writerPages: Int32(Self.autocheckpointBytes / pageSize), backgroundPages: Int32(backgroundBytes / pageSize))
        else {
            return try await body()
        }
        return try await checkpointing(with: checkpointer, body)
    }

    /// `checkpointingBeside` with a given checkpointer, which a test can ask what it did.
    ///
    /// The hook is put in place and taken away outside any transaction, in tasks of their
    /// own: neither waits for the write lock nor sees the caller's cancellation, so they run
    /// whatever happens to `body`. The checkpointer's thread and connection end on every
    /// path; only `body`'s own failure is thrown.
    func checkpointing<T>(with checkpointer: WALCheckpointer, _ body: () async throws -> T) async throws -> T {
        let pool = self.pool
        let installed = (try? await Task { try await pool.writeWithoutTransaction { db in checkpointer.install(db) } }.value) != nil
        guard installed else {
            await checkpointer.stopped()
            return try await body()
        }
        let result: T
        do {
            result = try await body()
        } catch {
            await finish(checkpointer)
            throw error
        }
        await finish(checkpointer)
        return result
    }

    /// Gives the writer its own checkpoint back, then ends the thread. Should the hand-back
    /// fail (the store closed meanwhile), the hook keeps the checkpointer (it holds a
    /// reference), which without its thread still checkpoints from the writer at
    /// `writerPages`: the log stays bounded, and the refresh's outcome stands.
    private func finish(_ checkpointer: WALCheckpointer) async {
        let pool = self.pool
        _ = try? await Task { try await pool.writeWithoutTransaction { db in checkpointer.uninstall(db) } }.value
        await checkpointer.stopped()
    }
}

/// The checkpointer of `ReaderStore.checkpointingBeside`: a thread with its own connection
/// that runs a passive checkpoint each time the writer's commit hook wakes it.
// @unchecked Sendable because `connection` is used only on the checkpointer's thread (and
// by `stop`, after that thread is done), and the rest is constants or a `Mutex`.
final class WALCheckpointer: @unchecked Sendable {
    let writerPages: Int32
    let backgroundPages: Int32
    private let connection: DatabaseQueue
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    struct State {
        var stopping = false
        var requested = false
        /// Checkpoints run by the background thread, and by the writer past `writerPages`.
        var background = 0
        var byWriter = 0
    }

    init(path: String, writerPages: Int32, backgroundPages: Int32) throws {
        self.writerPages = writerPages
        self.backgroundPages = backgroundPages
        var config = Configuration()
        config.label = "reader.checkpoint"
        connection = try DatabaseQueue(path: path, configuration: config)
        Thread { [self] in run() }.start()
    }

    /// How many checkpoints ran, in the background and by the writer.
    var counts: (background: Int, byWriter: Int) {
        state.withLock { ($0.background, $0.byWriter) }
    }

    private func run() {
        defer { done.signal() }
        while true {
            wake.wait()
            let (stopping, requested) = state.withLock { state in
                defer { state.requested = false }
                return (state.stopping, state.requested)
            }
            if requested, (try? connection.writeWithoutTransaction({ db in try db.checkpoint(.passive) })) != nil {
                state.withLock { $0.background += 1 }
            }
            if stopping { return }
        }
    }

    /// Called by the writer's commit hook with the log's size in pages.
    fileprivate func committed(logPages: Int32, _ db: OpaquePointer?) {
        if logPages >= writerPages {
            sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            state.withLock { $0.byWriter += 1 }
        } else if logPages >= backgroundPages {
            let wasRequested = state.withLock { state in
                defer { state.requested = true }
                return state.requested
            }
            if !wasRequested { wake.signal() }
        }
    }

    /// Replaces the writer's automatic checkpoint with this checkpointer (on the writer's queue).
    func install(_ db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, { context, db, _, pages in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(logPages: pages, db)
            return SQLITE_OK
        }, Unmanaged.passRetained(self).toOpaque())
    }

    /// Gives the writer its automatic checkpoint back (on the writer's queue): after this,
    /// the hook no longer points at this checkpointer, and lets go of it.
    func uninstall(_ db: Database) {
        sqlite3_wal_autocheckpoint(db.sqliteConnection, ReaderStore.autocheckpointPages(db))
        Unmanaged.passUnretained(self).release()
    }

    /// Ends the thread after any checkpoint asked for has run, and closes its connection.
    /// The wait is on a thread of its own, not on one of the tasks' shared threads.
    func stopped() async {
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            Thread { [self] in
                stop()
                finished.resume()
            }.start()
        }
    }

    private func stop() {
        state.withLock { $0.stopping = true }
        wake.signal()
        done.wait()
        try? connection.close()
    }
}
