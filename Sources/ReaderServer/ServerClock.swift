import Foundation
import ReaderHTTP
import ReaderModels
import Synchronization

/// The server's hybrid logical clock (node `server`). The stamp of every mutation it applies
/// is received, so the stamp in a response is later than anything a client has had
/// applied, and a client that adopts it cannot issue a stamp that sorts before what the
/// server already holds. A stamp more than `HLC.maxLeadMillis` ahead of the server's own
/// clock is refused, and a rejected mutation's stamp is never received, so no client can
/// push the clock every user shares into the future.
package final class ServerClock: Sendable {
    private let state: Mutex<HybridClock>
    private let wallMillis: @Sendable () -> Int64

    /// - Parameter last: the largest stamp a previous run issued, so a restart never goes back.
    ///   A saved stamp beyond the bound (from a version that adopted any stamp) is not
    ///   resumed: the clock starts again from the wall clock.
    package init(last: HLC?, wallMillis: @escaping @Sendable () -> Int64) {
        state = Mutex(HybridClock(node: Self.node, resuming: last, wallMillis: wallMillis()))
        self.wallMillis = wallMillis
    }

    package static let node = "server"

    /// A fresh stamp for a response.
    package func tick() -> HLC {
        let now = wallMillis()
        return state.withLock { $0.tick(wallMillis: now) }
    }

    /// Moves the clock past the stamp of a mutation the server applied, judged against the
    /// wall time `now` it was checked at; a stamp beyond the bound is refused and the clock
    /// does not move.
    package func receive(_ remote: HLC, at now: Int64) throws(StampTooFarAhead) {
        _ = try state.withLock { clock throws(StampTooFarAhead) in try clock.receive(remote, wallMillis: now) }
    }

    /// The largest stamp issued or received so far.
    package var last: HLC { state.withLock { $0.last } }

    /// The wall clock in milliseconds since 1970, as the clock reads it.
    package func now() -> Int64 { wallMillis() }

    /// The system clock in milliseconds since 1970.
    @Sendable package static func systemMillis() -> Int64 {
        Timestamp.millis(Date())
    }
}
