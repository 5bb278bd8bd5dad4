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

    /// Throws the reason a person would want when `path` is missing, unreadable, or not a
    /// regular file: a folder, or a device, pipe or socket, which may never end (`/dev/zero`)
    /// or never start (a FIFO with no writer), so it is refused before it is opened.
    static func checkReadable(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno
            switch reason {
            case ENOENT, ENOTDIR: throw FeedImportError(file: path, reason: "no such file")
            case EACCES: throw FeedImportError(file: path, reason: "cannot be read (permission denied)")
            default: throw FeedImportError(file: path, reason: "cannot be read (\(String(cString: strerror(reason))))")
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            break
        case S_IFDIR:
            throw FeedImportError(file: path, reason: "is a folder, not a file")
        case S_IFIFO:
            throw FeedImportError(file: path, reason: "is a pipe, not a regular file: save what it carries to a file and import that")
        case S_IFSOCK:
            throw FeedImportError(file: path, reason: "is a socket, not a regular file")
        default:
            throw FeedImportError(file: path, reason: "is a device, not a regular file")
        }
        guard access(path, R_OK) == 0 else {
            throw FeedImportError(file: path, reason: "cannot be read (permission denied)")
        }
    }

    /// The whole file at `path`, which must be a regular file of at most `limit` bytes.
    static func contents(of path: String, limit: Int) throws -> [UInt8] {
        let chunks = try FileChunks(path: path)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = try chunks.read(into: &buffer)
            if count == 0 { return bytes }
            guard bytes.count + count <= limit else {
                throw FeedImportError(file: path, reason: "is larger than the \(limit >= 1 << 20 ? "\(limit >> 20) MB" : "\(limit)-byte") limit")
            }
            bytes += buffer[..<count]
        }
    }
}
