import NIOCore
import NIOHTTPTypes
import Synchronization

/// The count of open connections, shared by every connection's ``ConnectionCapHandler``.
final class ConnectionCount: Sendable {
    let maximum: Int
    private let open = Atomic<Int>(0)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Counts a new connection; false, counting nothing, when `maximum` are open already.
    func admit() -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < maximum {
            let (exchanged, original) = open.compareExchange(
                expected: current, desired: current + 1, successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Uncounts a connection that ``admit()`` counted.
    func release() {
        open.subtract(1, ordering: .acquiringAndReleasing)
    }

    /// How many connections are open.
    var current: Int { open.load(ordering: .relaxed) }
}

/// Closes a connection as soon as it opens when the server already holds its maximum.
///
/// Hummingbird's own limit stops accepting instead, which leaves the client waiting in the
/// kernel's queue with no answer; closing tells it at once, and the connections that are
/// open keep being served.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let count: ConnectionCount
    private var counted = false
    private var checked = false

    init(count: ConnectionCount) {
        self.count = count
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { check(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        check(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted { count.release() }
        counted = false
    }

    private func check(_ context: ChannelHandlerContext) {
        guard !checked else { return }
        checked = true
        counted = count.admit()
        if !counted { context.close(promise: nil) }
    }
}

@available(*, unavailable)
extension ConnectionCapHandler: Sendable {}
