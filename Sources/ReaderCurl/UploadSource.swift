import Foundation
import ReaderHTTP

/// Supplies a request body to libcurl's read callback, from memory or from a file read
/// piece by piece. Used only on the loop thread.
final class UploadSource {
    private enum Storage {
        case bytes([UInt8])
        case file(descriptor: Int32)
    }

    private let storage: Storage
    private var offset = 0
    /// The body length in bytes, sent as `Content-Length`.
    let size: Int64

    /// Opens the body; throws when a file body cannot be opened.
    init(_ body: HTTPRequestBody) throws(HTTPError) {
        switch body {
        case .none:
            storage = .bytes([])
            size = 0
        case .bytes(let bytes):
            storage = .bytes(bytes)
            size = Int64(bytes.count)
        case .file(let path):
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw .requestBody(path: path, detail: String(cString: strerror(errno)))
            }
            var info = stat()
            guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                close(descriptor)
                throw .requestBody(path: path, detail: "not a regular file")
            }
            storage = .file(descriptor: descriptor)
            size = Int64(info.st_size)
        }
    }

    deinit {
        if case .file(let descriptor) = storage { close(descriptor) }
    }

    /// Copies the next bytes into `buffer`; 0 at the end, `nil` on a read error.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        switch storage {
        case .bytes(let bytes):
            let count = min(buffer.count, bytes.count - offset)
            guard count > 0 else { return 0 }
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
            }
            offset += count
            return count
        case .file(let descriptor):
            guard let base = buffer.baseAddress else { return 0 }
            while true {
                let count = Foundation.read(descriptor, base, buffer.count)
                if count >= 0 { return count }
                if errno != EINTR { return nil }
            }
        }
    }

    /// Goes back to the start, for when libcurl must send the body again (a reused
    /// connection that turned out to be closed).
    func rewind() -> Bool {
        offset = 0
        if case .file(let descriptor) = storage {
            return lseek(descriptor, 0, SEEK_SET) == 0
        }
        return true
    }
}
