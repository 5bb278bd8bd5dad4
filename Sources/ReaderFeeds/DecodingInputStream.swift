import Foundation

/// Decodes a document to UTF-8 a piece at a time, rewriting its XML declaration in the first.
protocol PieceDecoder {
    /// The UTF-8 of `piece`; `final` is true once, with the last piece (which may be empty).
    mutating func decode(_ piece: ArraySlice<UInt8>, final: Bool) -> [UInt8]
}

/// An input stream that hands on another's bytes decoded to UTF-8 by a ``PieceDecoder``: a
/// file in windows-1252 (``Windows1252``) or UTF-16 / UTF-32 (``WideUnicode``) is never
/// decoded by libxml2.
///
/// `XMLParser(stream:)` only opens, reads and closes its stream, which this overrides.
final class DecodingInputStream<Decoder: PieceDecoder>: InputStream {
    private let base: InputStream
    /// How much the first piece holds before it is decoded: as much as the safety check read,
    /// so the declaration rewritten here is the one the check saw rewritten.
    private let prefixLength: Int
    private var decoder: Decoder
    private var started = false
    private var ended = false
    private var pending: [UInt8] = []
    private var offset = 0
    private var chunk = [UInt8](repeating: 0, count: 128 * 1024)

    init(base: InputStream, prefixLength: Int, decoder: Decoder) {
        self.base = base
        self.prefixLength = prefixLength
        self.decoder = decoder
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
        started = true
        pending = decoder.decode(raw[...], final: ended)
        offset = 0
        return true
    }
}

/// windows-1252 a piece at a time: one byte is one character, so pieces need no state but
/// whether the declaration has been rewritten.
struct Windows1252Decoder: PieceDecoder {
    private var started = false

    mutating func decode(_ piece: ArraySlice<UInt8>, final: Bool) -> [UInt8] {
        guard started else {
            started = true
            return Windows1252.utf8XML(piece)
        }
        var output: [UInt8] = []
        Windows1252.appendUTF8(of: piece, to: &output)
        return output
    }
}

extension WideUnicode.Decoder: PieceDecoder {}
