import Foundation

/// How `reader-server users password` takes an API password: the first line of its input.
public enum GReaderPasswordInput {
    /// The longest password accepted, in bytes; a longer one is refused rather than cut.
    public static let maxBytes = GReaderPassword.maxBytes

    /// The first line of `input` without its line break (LF or CRLF).
    ///
    /// Read a byte at a time, so nothing past the line is consumed and no more than
    /// `maxBytes` + 1 bytes are ever held.
    ///
    /// - Throws: `RepositoryError` for an empty line, one longer than `maxBytes`, or one
    ///   that is not UTF-8.
    public static func read(from input: FileHandle) throws -> String {
        var bytes: [UInt8] = []
        while let chunk = try input.read(upToCount: 1), let byte = chunk.first {
            if byte == 0x0A { break }
            bytes.append(byte)
            // One byte over the limit may be a CR before the LF; two are too long either way.
            guard bytes.count <= maxBytes + 1 else { throw tooLong }
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty else { throw RepositoryError("no password on standard input (an empty one is refused)") }
        guard bytes.count <= maxBytes else { throw tooLong }
        guard let password = String(validating: bytes, as: UTF8.self) else {
            throw RepositoryError("the password is not UTF-8 text")
        }
        return password
    }

    private static var tooLong: RepositoryError {
        RepositoryError("the password is longer than \(maxBytes) bytes")
    }
}
