import Foundation

/// An input stream that hands on another's windows-1252 bytes as UTF-8 (``Windows1252``),
/// so a file declared windows-1252, ISO-8859-1 or US-ASCII is never decoded by libxml2.
///
/// `XMLParser(stream:)` only opens, reads and closes its stream, which this overrides.
final class Windows1252InputStream: InputStream {
    private let base: InputStream
    /// How much the first piece holds before it is decoded: as much as the safety check read,
    /// so the declaration rewritten here is the one the check saw rewritten.
    private let prefixLength: Int
    private var started = false
    private var ended = false
    private var pending: [UInt8] = []
    private var offset = 0
    private var chunk = [UInt8](repeating: 0, count: 128 * 1024)

    init(base: InputStream, prefixLength: Int) {
        self.base = base
        self.prefixLength = prefixLength
        super.init(data: Data())
    }

    override func open() { base.open() }
    override func close() { base.close() }
    override var hasBytesAvailable: Bool { offset < pending.count || !ended }
    override var streamStatus: Stream.Status { base.streamStatus }
    override var streamError: (any Error)? { base.streamError }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        while offset == pending.count {
            if ended { return 0 }
            guard fill() else { return -1 }
        }
        let count = min(length, pending.count - offset)
        pending.withUnsafeBufferPointer { pending in
            buffer.update(from: pending.baseAddress.unsafelyUnwrapped + offset, count: count)
        }
        offset += count
        return count
    }

    /// Reads and decodes the next piece into `pending`; false on a read error.
    private func fill() -> Bool {
        var raw: [UInt8] = []
        repeat {
            let read = chunk.withUnsafeMutableBufferPointer { chunk in
                base.read(chunk.baseAddress.unsafelyUnwrapped, maxLength: chunk.count)
            }
            if read < 0 { return false }
            if read == 0 {
                ended = true
                break
            }
            raw += chunk[..<read]
        } while !started && raw.count < prefixLength
        if started {
            pending.removeAll(keepingCapacity: true)
            Windows1252.appendUTF8(of: raw, to: &pending)
        } else {
            pending = Windows1252.utf8XML(raw)
            started = true
        }
        offset = 0
        return true
    }
}
