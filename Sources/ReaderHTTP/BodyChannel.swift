import Synchronization

/// The transfer behind a streamed body, as the body's consumer controls it.
package protocol BodyTransfer: Sendable {
    /// Offers data again after ``BodyChannel/offer(_:)`` answered ``BodyChannel/Offer/full``.
    func resumeReading()
    /// Stops the transfer; it ends the channel with `HTTPError.cancelled`.
    func cancel()
}

/// Carries a streamed body from a transport's thread to one consumer task, holding at most
/// about `capacity` bytes: when the consumer falls behind, an offer is answered `full` and
/// the transport pauses (libcurl's write callback answers `CURL_WRITEFUNC_PAUSE` and is
/// offered the data again later), and the consumer asks the transfer to resume once it has
/// drained half the buffer.
///
/// Small writes are packed into pooled buffers; the consumer takes a whole buffer at a time.
package final class BodyChannel: Sendable {
    /// The size of each pooled buffer, also libcurl's receive buffer for streams.
    package static let bufferSize = 256 * 1024

    /// What became of offered bytes.
    package enum Offer {
        case accepted
        /// The buffer is full; the transfer is now paused.
        case full
        /// Nobody will read any more; abort the transfer.
        case closed
    }

    private struct Filled: @unchecked Sendable {
        // Owned by the channel until handed to the consumer inside a chunk.
        let memory: UnsafeMutableRawBufferPointer
        var count: Int
    }

    private struct State: Sendable {
        var queue: [Filled] = []
        var bufferedBytes = 0
        var paused = false
        var end: Result<Void, HTTPError>?
        var waiter: CheckedContinuation<Result<HTTPBodyChunk?, HTTPError>, Never>?
        var abandoned = false
    }

    private let state = Mutex(State())
    private let transfer: any BodyTransfer
    private let capacity: Int
    private let pool: BufferPool

    /// A channel for `transfer`'s body, pausing it past `capacity` buffered bytes.
    package init(transfer: any BodyTransfer, capacity: Int) {
        self.transfer = transfer
        self.capacity = max(1, capacity)
        pool = BufferPool(bufferSize: Self.bufferSize, keep: self.capacity / Self.bufferSize + 2)
    }

    deinit {
        state.withLock { $0.queue.forEach { pool.giveBack($0.memory) } }
    }

    /// The most body memory this stream held at once: queued for the consumer, in chunks
    /// not yet released, and pooled for reuse.
    var peakHeldBytes: Int { pool.peakLiveBytes }

    // MARK: Producer (loop thread)

    /// Takes a copy of `bytes` for the consumer, unless the buffer is full or nobody reads.
    package func offer(_ bytes: UnsafeRawBufferPointer) -> Offer {
        let (verdict, handOff) = state.withLock { state -> (Offer, (CheckedContinuation<Result<HTTPBodyChunk?, HTTPError>, Never>, HTTPBodyChunk)?) in
            if state.abandoned { return (.closed, nil) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (.accepted, (waiter, copy(bytes)))
            }
            if state.bufferedBytes >= capacity {
                state.paused = true
                return (.full, nil)
            }
            if var last = state.queue.last, last.memory.count - last.count >= bytes.count {
                UnsafeMutableRawBufferPointer(rebasing: last.memory[last.count...]).copyMemory(from: bytes)
                last.count += bytes.count
                state.queue[state.queue.count - 1] = last
            } else {
                let memory = pool.take(minimumSize: bytes.count)
                memory.copyMemory(from: bytes)
                state.queue.append(Filled(memory: memory, count: bytes.count))
            }
            state.bufferedBytes += bytes.count
            return (.accepted, nil)
        }
        if let (waiter, chunk) = handOff { waiter.resume(returning: .success(chunk)) }
        return verdict
    }

    private func copy(_ bytes: UnsafeRawBufferPointer) -> HTTPBodyChunk {
        let memory = pool.take(minimumSize: bytes.count)
        memory.copyMemory(from: bytes)
        return HTTPBodyChunk(storage: ChunkStorage(buffer: memory, count: bytes.count, pool: pool))
    }

    /// Ends the body: after what is buffered, the consumer gets the end or `result`'s error.
    package func finish(_ result: Result<Void, HTTPError>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<HTTPBodyChunk?, HTTPError>, Never>? in
            if state.end == nil { state.end = result }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: result.map { nil })
    }

    // MARK: Consumer

    /// The next chunk, `nil` at the end of the body, or the error that ended it.
    func next() async -> Result<HTTPBodyChunk?, HTTPError> {
        if Task.isCancelled {
            abandon()
            return .failure(.cancelled)
        }
        let (ready, unpause) = state.withLock { take(&$0) }
        if unpause { transfer.resumeReading() }
        if let ready { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let (ready, unpause) = state.withLock { state in
                    let taken = take(&state)
                    if taken.0 == nil { state.waiter = continuation }
                    return taken
                }
                if unpause { transfer.resumeReading() }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            transfer.cancel()
        }
    }

    /// Takes a buffered chunk or the end without waiting; says whether the transfer should
    /// be unpaused because the buffer has drained to half its capacity.
    private func take(_ state: inout State) -> (Result<HTTPBodyChunk?, HTTPError>?, Bool) {
        guard !state.queue.isEmpty else {
            return (state.end.map { $0.map { nil } }, false)
        }
        let filled = state.queue.removeFirst()
        state.bufferedBytes -= filled.count
        let unpause = state.paused && state.bufferedBytes <= capacity / 2
        if unpause { state.paused = false }
        let chunk = HTTPBodyChunk(storage: ChunkStorage(buffer: filled.memory, count: filled.count, pool: pool))
        return (.success(chunk), unpause)
    }

    /// The consumer is gone: drop what is buffered and stop the transfer if it still runs.
    func abandon() {
        let running = state.withLock { state -> Bool in
            state.abandoned = true
            state.queue.forEach { pool.giveBack($0.memory) }
            state.queue = []
            state.bufferedBytes = 0
            return state.end == nil
        }
        if running { transfer.cancel() }
    }
}
