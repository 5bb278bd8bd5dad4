import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request does not arrive in time: its head within the header
/// timeout (from the connection's opening, or from the first byte of a later request), its
/// body within the body timeout of the head. Waiting between requests is the idle timeout's
/// business (Hummingbird's), and so is a response being written.
///
/// It sits after the HTTP decoder, where it sees whole parts; to see a request's first byte
/// it puts a ``FirstByteHandler`` at the front of the pipeline.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Phase {
        /// Not yet active.
        case new
        /// Waiting for the head, under the header timeout.
        case head
        /// Waiting for the rest of the body, under the body timeout.
        case body
        /// The request is in; the application answers.
        case answering
        /// Between requests.
        case idle
    }

    private let headerTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private var phase = Phase.new
    private var deadline: Scheduled<Void>?
    /// Bytes of the next request came while the application was answering.
    private var nextRequestStarted = false

    init(limits: ConnectionLimits) {
        headerTimeout = TimeAmount(limits.headerTimeout)
        bodyTimeout = TimeAmount(limits.bodyTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.pipeline.syncOperations.addHandler(FirstByteHandler(deadlines: self), position: .first)
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            // A pipelined request may have started while the last one was answered; its
            // head is here now, so no header timeout waits for it after that answer.
            nextRequestStarted = false
            phase = .body
            schedule(bodyTimeout, context)
        case .body:
            break
        case .end:
            phase = .answering
            cancel()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // An answer given before the body arrived (a refusal) leaves the body's deadline running.
        if case .end = unwrapOutboundIn(data), phase == .answering {
            if nextRequestStarted {
                nextRequestStarted = false
                phase = .head
                schedule(headerTimeout, context)
            } else {
                phase = .idle
            }
        }
        context.write(data, promise: promise)
    }

    /// Called by ``FirstByteHandler``, with its own context, when bytes arrive.
    fileprivate func bytesArrived(_ context: ChannelHandlerContext) {
        switch phase {
        case .idle:
            phase = .head
            schedule(headerTimeout, context)
        case .answering:
            nextRequestStarted = true
        case .new, .head, .body:
            break
        }
    }

    private func start(_ context: ChannelHandlerContext) {
        guard phase == .new else { return }
        phase = .head
        schedule(headerTimeout, context)
    }

    private func schedule(_ timeout: TimeAmount, _ context: ChannelHandlerContext) {
        cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    private func cancel() {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}

/// Tells a ``RequestDeadlineHandler`` when bytes arrive, before the HTTP decoder has made
/// anything of them: the header timeout of a request after the first starts at its first byte.
final class FirstByteHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadlines: RequestDeadlineHandler

    fileprivate init(deadlines: RequestDeadlineHandler) {
        self.deadlines = deadlines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.bytesArrived(context)
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension FirstByteHandler: Sendable {}
