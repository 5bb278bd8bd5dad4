import Foundation
import ReaderHTTP
import ReaderModels

/// The server's hybrid logical clock (node `server`). Every mutation's stamp is received,
/// so the stamp in a response is later than anything a client has sent, and a client that
/// adopts it cannot issue a stamp that sorts before what the server already holds.
final class ServerClock: Sendable {
    private let state: Locked<HybridClock>
    private let wallMillis: @Sendable () -> Int64

    /// - Parameter last: the largest stamp a previous run issued, so a restart never goes back.
    init(last: HLC?, wallMillis: @escaping @Sendable () -> Int64) {
        state = Locked(HybridClock(node: Self.node, last: last))
        self.wallMillis = wallMillis
    }

    static let node = "server"

    /// A fresh stamp for a response.
    func tick() -> HLC {
        let now = wallMillis()
        return state.withLock { $0.tick(wallMillis: now) }
    }

    /// Moves the clock past a stamp a client sent.
    func receive(_ remote: HLC) {
        let now = wallMillis()
        state.withLock { _ = $0.receive(remote, wallMillis: now) }
    }

    /// The largest stamp issued or received so far.
    var last: HLC { state.withLock { $0.last } }

    /// The wall clock in milliseconds since 1970, as the clock reads it.
    func now() -> Int64 { wallMillis() }

    /// The system clock in milliseconds since 1970.
    @Sendable static func systemMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
