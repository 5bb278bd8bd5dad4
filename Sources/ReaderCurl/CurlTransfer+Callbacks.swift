import CCurl
import Foundation
import ReaderHTTP

// libcurl's callbacks and the end of a transfer; all run on the loop thread.
extension CurlTransfer {
    func didReceiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Int {
        // Lines after the head are trailers of a chunked body: not used.
        guard phase == .awaitingHead else { return line.count }
        switch parser.consume(line) {
        case .needMore:
            return line.count
        case .invalid(let detail):
            failure = .badResponse(detail: detail)
            return 0
        case .complete:
            break
        }
        if parser.status < 200 {
            parser.reset()
            return line.count
        }
        let head = ReceivedHead(status: parser.status, reason: parser.reason, version: parser.version, headers: parser.headers)
        receivedHead = head
        if hop.followsRedirects, HTTPStatus.isFollowableRedirect(head.status), head.headers.contains("Location") {
            phase = .discardingRedirect
            return line.count
        }
        switch hop.delivery {
        case .collect(let limit):
            if exceedsDeclaredLength(head, limit) {
                failure = .tooLarge(limit: limit)
                return 0
            }
            if let length = declaredLength(head) {
                // Room for the whole body at once: grown by doubling instead, a body of a
                // megabyte passes through buffers of 1.5 MB and more, each copied into the next.
                // Bounded, as a server can announce a length it never sends.
                collected.reserveCapacity(min(length, limit, Self.maxReservedBody))
            }
            phase = .collecting
        case .stream:
            let channel = BodyChannel(transfer: self, capacity: loop.settings.streamBufferBytes)
            self.channel = channel
            phase = .streaming
            resolve(.success(.streaming(head, channel)))
        case .file(_, _, let limit):
            if let limit, exceedsDeclaredLength(head, limit) {
                failure = .tooLarge(limit: limit)
                return 0
            }
            phase = .writingFile
        }
        return line.count
    }

    /// Whether an unencoded body announces more than `limit` bytes (an encoded one may
    /// decode to anything, so it is judged as it arrives).
    private func exceedsDeclaredLength(_ head: ReceivedHead, _ limit: Int) -> Bool {
        guard let length = declaredLength(head) else { return false }
        return length > limit
    }

    /// The length of the body as it will be delivered, when the head says: an unencoded
    /// body's `Content-Length` (not a HEAD's, which has no body).
    private func declaredLength(_ head: ReceivedHead) -> Int? {
        guard hop.method != .head, head.headers["Content-Encoding"] == nil,
              let length = Int(head.headers["Content-Length"] ?? ""), length >= 0 else { return nil }
        return length
    }

    /// The most a collected body's buffer is given ahead of its bytes.
    static let maxReservedBody = 16 << 20

    func didReceiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        switch phase {
        case .discardingRedirect:
            discardedBytes += bytes.count
            if discardedBytes > Self.maxRedirectBody {
                droppedRedirectBody = true
                return 0
            }
            return bytes.count
        case .collecting:
            if case .collect(let limit) = hop.delivery, collected.count + bytes.count > limit {
                failure = .tooLarge(limit: limit)
                return 0
            }
            collected.append(contentsOf: bytes)
            return bytes.count
        case .streaming:
            switch channel?.offer(bytes) {
            case .accepted: return bytes.count
            case .full: return reader_curl_writefunc_pause()
            case .closed, nil:
                failure = .cancelled
                return 0
            }
        case .writingFile:
            return writeToFile(bytes)
        case .awaitingHead, .done:
            return 0
        }
    }

    private func writeToFile(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard case .file(let descriptor, let path, let limit) = hop.delivery else { return 0 }
        if let limit, writtenBytes + Int64(bytes.count) > Int64(limit) {
            failure = .tooLarge(limit: limit)
            return 0
        }
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let written = write(descriptor, base + offset, bytes.count - offset)
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                failure = .saveFailed(path: path, detail: String(cString: strerror(errno)))
                return 0
            }
            offset += written
        }
        writtenBytes += Int64(bytes.count)
        return bytes.count
    }

    /// Ends the hop with libcurl's result code, then forgets the handle.
    func complete(_ code: CURLcode) {
        defer { detach() }
        let droppedRedirect = phase == .discardingRedirect && droppedRedirectBody
        guard code == CURLE_OK || droppedRedirect else {
            deliver(failure ?? CurlFailure(code: code, transfer: self).error)
            return
        }
        switch phase {
        case .discardingRedirect:
            if let head = receivedHead {
                resolve(.success(.redirect(head, location: stringInfo(CURLINFO_REDIRECT_URL))))
            }
        case .collecting:
            if let head = receivedHead {
                resolve(.success(.collected(head, collected)))
            }
            collected = []
        case .streaming:
            channel?.finish(.success(()))
        case .writingFile:
            if let head = receivedHead {
                resolve(.success(.downloaded(head, bytes: writtenBytes)))
            }
        case .awaitingHead, .done:
            deliver(.badResponse(detail: "no response headers"))
        }
    }

    /// Ends the hop with an error decided outside libcurl (cancelled, could not start).
    func finish(failing error: HTTPError) {
        deliver(error)
        detach()
    }

    func stringInfo(_ info: CURLINFO) -> String? {
        guard let easy else { return nil }
        var value: UnsafePointer<CChar>?
        guard reader_curl_easy_getinfo_string(easy, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    func longInfo(_ info: CURLINFO) -> Int? {
        guard let easy else { return nil }
        var value = 0
        guard reader_curl_easy_getinfo_long(easy, info, &value) == CURLE_OK else { return nil }
        return value
    }

    func offsetInfo(_ info: CURLINFO) -> Int64? {
        guard let easy else { return nil }
        var value: curl_off_t = 0
        guard reader_curl_easy_getinfo_off_t(easy, info, &value) == CURLE_OK else { return nil }
        return Int64(value)
    }

    /// libcurl's message for the last failure, e.g. "Operation too slow. …".
    var errorText: String { String(cString: errorBuffer) }

    private func deliver(_ error: HTTPError) {
        if continuation != nil {
            resolve(.failure(error))
        } else {
            channel?.finish(.failure(error))
        }
    }

    private func resolve(_ result: Result<HopOutcome, HTTPError>) {
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(returning: result)
    }
}
