import Foundation

/// A file read one fixed-size chunk at a time, so an importer never holds more of it than
/// one chunk plus whatever it is assembling.
final class FileChunks {
    /// 256 KiB: large enough that read calls are cheap, small enough to stay out of the way.
    static let chunkSize = 256 * 1024

    /// The path as the caller gave it, for error messages.
    let file: String
    private let stream: InputStream

    /// Opens `path`, or throws a ``FeedImportError`` that says why it cannot be read.
    init(path: String) throws {
        try Self.checkReadable(path)
        guard let stream = InputStream(fileAtPath: path) else {
            throw FeedImportError(file: path, reason: "cannot be opened")
        }
        stream.open()
        if stream.streamStatus == .error {
            let detail = stream.streamError.map { ": \($0.localizedDescription)" } ?? ""
            throw FeedImportError(file: path, reason: "cannot be opened\(detail)")
        }
        self.file = path
        self.stream = stream
    }

    /// Reads `data` held in memory; `file` names it in errors (a URL, usually).
    init(data: Data, file: String) {
        self.file = file
        stream = InputStream(data: data)
        stream.open()
    }

    deinit {
        stream.close()
    }

    /// Fills `buffer` from `offset` with as many bytes as fit; returns how many were read,
    /// 0 at the end of the file.
    func read(into buffer: inout [UInt8], at offset: Int = 0) throws -> Int {
        let count = buffer.withUnsafeMutableBufferPointer { pointer in
            // `baseAddress` is only nil for an empty buffer, which callers never pass.
            pointer.baseAddress.map { stream.read($0 + offset, maxLength: pointer.count - offset) } ?? 0
        }
        if count < 0 {
            let detail = stream.streamError.map { ": \($0.localizedDescription)" } ?? ""
            throw FeedImportError(file: file, reason: "could not be read\(detail)")
        }
        return count
    }

    /// Up to `count` bytes from the start of the file at `path`.
    static func prefix(of path: String, count: Int) throws -> [UInt8] {
        let chunks = try FileChunks(path: path)
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let read = try chunks.read(into: &buffer, at: filled)
            if read == 0 { break }
            filled += read
        }
        return Array(buffer[..<filled])
    }

    /// Throws the reason a person would want when `path` is missing, a folder, or unreadable.
    static func checkReadable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FeedImportError(file: path, reason: "no such file")
        }
        if isDirectory.boolValue {
            throw FeedImportError(file: path, reason: "is a folder, not a file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw FeedImportError(file: path, reason: "cannot be read (permission denied)")
        }
    }
}
