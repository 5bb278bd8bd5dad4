import Foundation

/// An `InputStream` over bytes already in memory, read in place.
///
/// `InputStream(data:)` copies its `Data` into an `NSData` of its own, and a `Data` made from
/// a fetched body is itself a copy: two copies of every feed being parsed. This one reads the
/// array it is given, which stays shared with the body.
final class ByteInputStream: InputStream {
    private let bytes: [UInt8]
    private var offset = 0
    private var status = Stream.Status.notOpen

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        super.init(data: Data())
    }

    override func open() { status = .open }
    override func close() { status = .closed }
    override var hasBytesAvailable: Bool { offset < bytes.count }
    override var streamStatus: Stream.Status { offset < bytes.count || status != .open ? status : .atEnd }
    override var streamError: (any Error)? { nil }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        let count = min(length, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { bytes in
            buffer.update(from: bytes.baseAddress.unsafelyUnwrapped + offset, count: count)
        }
        offset += count
        return count
    }
}
