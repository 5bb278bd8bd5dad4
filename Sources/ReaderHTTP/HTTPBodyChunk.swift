import Synchronization

/// A piece of a streamed response body.
///
/// Its bytes live in a buffer the client reuses for later chunks once every copy of this
/// chunk is gone, so streaming a large body allocates only a few buffers. Holding on to
/// chunks is safe; it only means new buffers get allocated.
public struct HTTPBodyChunk: RandomAccessCollection, Sendable, CustomStringConvertible {
    /// A body byte.
    public typealias Element = UInt8
    /// Offsets from 0.
    public typealias Index = Int

    let storage: ChunkStorage

    /// Always 0.
    public var startIndex: Int { 0 }
    /// The number of bytes.
    public var endIndex: Int { storage.count }

    /// The byte at `position`.
    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < storage.count, "index out of range")
        return storage.buffer.load(fromByteOffset: position, as: UInt8.self)
    }

    /// Calls `body` with the bytes, without copying them.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(rebasing: storage.buffer[0..<storage.count]))
    }

    /// Lets `Array(chunk)`, `append(contentsOf:)` and friends copy with one `memcpy`.
    public func withContiguousStorageIfAvailable<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result? {
        try withUnsafeBytes { try body($0.bindMemory(to: UInt8.self)) }
    }

    /// The bytes as an array (a copy).
    public var bytes: [UInt8] { Array(self) }

    /// `"HTTPBodyChunk(4096 bytes)"`.
    public var description: String { "HTTPBodyChunk(\(count) bytes)" }
}

/// The buffer behind a chunk; gives the buffer back to its pool when the last chunk
/// referring to it goes away.
// @unchecked Sendable because the buffer is written only before this object is created
// and only read afterwards.
final class ChunkStorage: @unchecked Sendable {
    let buffer: UnsafeMutableRawBufferPointer
    let count: Int
    private let pool: BufferPool

    init(buffer: UnsafeMutableRawBufferPointer, count: Int, pool: BufferPool) {
        self.buffer = buffer
        self.count = count
        self.pool = pool
    }

    deinit {
        pool.giveBack(buffer)
    }
}

/// A few equally sized buffers kept for reuse, so a long stream does not allocate (and
/// fault in) fresh memory for every chunk.
final class BufferPool: Sendable {
    /// An owned buffer; ownership moves with the value, under the pool's lock.
    struct Buffer: @unchecked Sendable {
        let memory: UnsafeMutableRawBufferPointer
    }

    /// The pooled buffers, and how many bytes this pool has allocated and not yet freed
    /// (queued, held by chunks, or kept for reuse): now and at most.
    private struct State: Sendable {
        var free: [Buffer] = []
        var liveBytes = 0
        var peakLiveBytes = 0
    }

    let bufferSize: Int
    private let keep: Int
    private let state = Mutex(State())

    init(bufferSize: Int, keep: Int) {
        self.bufferSize = bufferSize
        self.keep = keep
    }

    deinit {
        state.withLock { state in state.free.forEach { $0.memory.deallocate() } }
    }

    /// The most body memory this pool ever had allocated at once: what its stream held,
    /// whatever the rest of the process allocates.
    var peakLiveBytes: Int { state.withLock { $0.peakLiveBytes } }

    /// A buffer of at least `minimumSize` bytes: a pooled one when it fits, else a new one.
    func take(minimumSize: Int) -> UnsafeMutableRawBufferPointer {
        if minimumSize <= bufferSize, let buffer = state.withLock({ $0.free.popLast() }) {
            return buffer.memory
        }
        let size = max(minimumSize, bufferSize)
        state.withLock { state in
            state.liveBytes += size
            state.peakLiveBytes = max(state.peakLiveBytes, state.liveBytes)
        }
        return .allocate(byteCount: size, alignment: 16)
    }

    func giveBack(_ memory: UnsafeMutableRawBufferPointer) {
        let kept = state.withLock { state in
            guard memory.count == bufferSize, state.free.count < keep else {
                state.liveBytes -= memory.count
                return false
            }
            state.free.append(Buffer(memory: memory))
            return true
        }
        if !kept { memory.deallocate() }
    }
}
