/// A response body delivered in chunks as it arrives, with bounded buffering: when the
/// consumer is slower than the network, the transfer pauses instead of piling up memory.
///
/// Iterate it once. Cancelling the iterating task, or dropping the stream before its end,
/// aborts the transfer and frees its connection.
public struct HTTPBodyStream: AsyncSequence, Sendable {
    /// A chunk of decoded body bytes.
    public typealias Element = HTTPBodyChunk
    /// Transfer failures end the iteration with an `HTTPError`.
    public typealias Failure = HTTPError

    private let source: Source

    /// A stream reading what a transport offers `channel`.
    package init(channel: BodyChannel) {
        source = Source(channel: channel)
    }

    /// The most body memory this stream has held at once (buffered for the consumer, in
    /// chunks still alive, pooled for reuse): the figure the bounded-memory promise is
    /// about, measured apart from whatever else the process allocates.
    package var peakHeldBytes: Int { source.channel.peakHeldBytes }

    /// The size of the buffers a stream fills; it may hold a few beyond its configured
    /// `streamBufferBytes` (the one being filled, the chunk the consumer holds).
    package static var bufferSize: Int { BodyChannel.bufferSize }

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(source: source)
    }

    /// Reads the chunks in order.
    public struct Iterator: AsyncIteratorProtocol {
        fileprivate let source: Source

        /// The next chunk, or `nil` after the last one.
        public mutating func next() async throws(HTTPError) -> HTTPBodyChunk? {
            try await source.channel.next().get()
        }

        /// The next chunk, or `nil` after the last one.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(HTTPError) -> HTTPBodyChunk? {
            try await source.channel.next().get()
        }
    }

    /// Reads the rest of the body into memory, failing with `HTTPError.tooLarge` (and
    /// stopping the transfer) past `limit` bytes.
    public func collect(upTo limit: Int) async throws(HTTPError) -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in self {
            guard bytes.count + chunk.count <= limit else {
                source.channel.abandon()
                throw .tooLarge(limit: limit)
            }
            bytes.append(contentsOf: chunk)
        }
        return bytes
    }
}

/// Stops the transfer when the last copy of the stream and its iterator is gone.
private final class Source: Sendable {
    let channel: BodyChannel

    /// A stream reading what a transport offers `channel`.
    package init(channel: BodyChannel) {
        self.channel = channel
    }

    deinit {
        channel.abandon()
    }
}
