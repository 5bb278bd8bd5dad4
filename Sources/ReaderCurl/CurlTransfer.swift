import CCurl
import Foundation
import ReaderHTTP
import Synchronization

/// One hop of a request: what a single easy handle sends.
struct Hop: Sendable {
    var url: URL
    var method: HTTPMethod
    var headers: HTTPHeaders
    var body: HTTPRequestBody
    var connectTimeout: Duration
    /// What is left of the request's total time limit.
    var remainingTime: Duration?
    var lowSpeed: HTTPTimeouts.LowSpeedLimit?
    /// Whether a 3xx with a `Location` is a redirect to follow (its body is then dropped).
    var followsRedirects: Bool
    var delivery: Delivery

    enum Delivery: Sendable, Equatable {
        /// Keep the body in memory, failing beyond `limit` bytes.
        case collect(limit: Int)
        /// Hand the body to a consumer as it arrives.
        case stream
        /// Write the body to an open file from the loop thread, failing beyond `limit` bytes.
        case file(descriptor: Int32, path: String, limit: Int?)

        /// Whether the body is expected to be large (streamed or saved, not collected).
        var isLarge: Bool {
            if case .collect = self { return false }
            return true
        }
    }

    var host: String { url.host ?? url.absoluteString }
}

/// The status line and headers of one hop's response.
struct ReceivedHead: Sendable {
    var status: Int
    var reason: String
    var version: String
    var headers: HTTPHeaders
}

/// What one hop produced.
enum HopOutcome: Sendable {
    /// A redirect to follow; `location` is libcurl's absolute form of the `Location` header.
    case redirect(ReceivedHead, location: String?)
    /// A final response with its body in memory.
    case collected(ReceivedHead, [UInt8])
    /// A final response whose body arrives through the channel.
    case streaming(ReceivedHead, BodyChannel)
    /// A final response whose body was written to the download file.
    case downloaded(ReceivedHead, bytes: Int64)
}

/// The owner of one easy handle for the duration of one hop. libcurl's callbacks reach it
/// through an unretained `Unmanaged` pointer; the loop's `active` table keeps it alive
/// for as long as the handle can call back.
// @unchecked Sendable because everything mutable here is used only on the loop thread,
// between the `start` command and `finish`/`complete`; the one exception, the cancel
// request flag, is behind a lock.
final class CurlTransfer: BodyTransfer, @unchecked Sendable {
    let hop: Hop
    let loop: CurlLoop
    private let cancelRequested = Mutex(false)

    // Loop-thread state from here on.
    var easy: UnsafeMutableRawPointer?
    var continuation: CheckedContinuation<Result<HopOutcome, HTTPError>, Never>?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var upload: UploadSource?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    var parser = ResponseHeadParser()
    var phase = Phase.awaitingHead
    var collected: [UInt8] = []
    var channel: BodyChannel?
    var failure: HTTPError?
    var droppedRedirectBody = false
    var discardedBytes = 0
    var writtenBytes: Int64 = 0
    var receivedHead: ReceivedHead?

    enum Phase {
        case awaitingHead, discardingRedirect, collecting, streaming, writingFile, done
    }

    static let maxRedirectBody = 64 * 1024

    init(hop: Hop, loop: CurlLoop) {
        self.hop = hop
        self.loop = loop
        errorBuffer.initialize(to: 0)
    }

    deinit {
        errorBuffer.deallocate()
        if let headerList { curl_slist_free_all(headerList) }
    }

    /// Forgets the easy handle once it is out of the multi handle, and lets go of what
    /// only the handle needed.
    func detach() {
        phase = .done
        easy = nil
        upload = nil
        channel = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    /// Runs the hop on the loop; cancelling the task aborts it.
    func run() async -> Result<HopOutcome, HTTPError> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if !loop.submit(.start(self, continuation)) {
                    continuation.resume(returning: .failure(.cancelled))
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Asks the loop to abort the hop; safe from any thread, at any time.
    func cancel() {
        cancelRequested.withLock { $0 = true }
        loop.submit(.cancel(self))
    }

    /// Asks the loop to resume a transfer paused because the consumer fell behind.
    func resumeReading() {
        loop.submit(.resume(self))
    }

    var isCancelRequested: Bool { cancelRequested.withLock { $0 } }

    // MARK: Loop thread only

    func attach(_ continuation: CheckedContinuation<Result<HopOutcome, HTTPError>, Never>) {
        self.continuation = continuation
    }
}
