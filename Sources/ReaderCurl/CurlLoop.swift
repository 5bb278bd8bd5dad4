import CCurl
import Foundation
import ReaderHTTP
import Synchronization

/// Runs every transfer of one client on a single dedicated thread with a curl multi
/// handle, so any number of transfers share one thread and one connection pool.
///
/// Other threads talk to the loop only through `submit`, which queues a command and wakes
/// the loop with `curl_multi_wakeup` (the one libcurl call documented as callable from any
/// thread). Every other libcurl call happens on the loop thread.
// @unchecked Sendable because the multi, share and easy handles and the `active` and
// `pool` tables are touched only on the loop thread; `inbox` is behind its own lock.
final class CurlLoop: @unchecked Sendable {
    enum Command {
        case start(CurlTransfer, CheckedContinuation<Result<HopOutcome, HTTPError>, Never>)
        case cancel(CurlTransfer)
        case resume(CurlTransfer)
        case shutdown
    }

    private struct Inbox: Sendable {
        var commands: [Command] = []
        var stopped = false
    }

    let settings: TransferSettings
    private let multi: UnsafeMutableRawPointer
    private let share: UnsafeMutableRawPointer?
    private let inbox = Mutex(Inbox())
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var pool: [UnsafeMutableRawPointer] = []
    private static let maxPooledHandles = 16

    /// Creates the multi handle and starts the loop thread; `nil` if libcurl cannot start.
    init?(settings: TransferSettings, configuration: HTTPClientConfiguration) {
        guard Curl.isInitialized, let multi = curl_multi_init() else { return nil }
        self.multi = multi
        self.settings = settings
        _ = reader_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        _ = reader_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxIdleConnections)
        _ = reader_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX)
        // The multi handle already shares connections and DNS among its transfers; the
        // share adds the TLS session cache, so reconnecting to a host skips a full
        // handshake. No lock callbacks: only the loop thread uses it.
        share = curl_share_init()
        if let share {
            _ = reader_curl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_SSL_SESSION.rawValue))
        }
        Thread { [self] in
            Thread.current.name = "reader-http"
            run()
        }.start()
    }

    /// Queues a command for the loop thread and wakes it. Returns `false` when the loop has
    /// stopped, in which case the command was not queued.
    @discardableResult
    func submit(_ command: Command) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.stopped else { return false }
            inbox.commands.append(command)
            // Inside the lock so that the loop cannot clean up the multi handle between
            // our check of `stopped` and the wakeup.
            curl_multi_wakeup(multi)
            return true
        }
    }

    private func run() {
        var running: Int32 = 0
        var stopping = false
        // After `shutdown`, transfers already running (streamed bodies the caller still
        // reads) are allowed to finish; no new ones arrive, since only the client starts them.
        while !(stopping && active.isEmpty) {
            let commands = inbox.withLock { inbox in
                let commands = inbox.commands
                inbox.commands.removeAll(keepingCapacity: true)
                return commands
            }
            for command in commands {
                switch command {
                case .start(let transfer, let continuation): start(transfer, continuation)
                case .cancel(let transfer): cancel(transfer)
                case .resume(let transfer): resume(transfer)
                case .shutdown: stopping = true
                }
            }
            curl_multi_perform(multi, &running)
            collectFinished()
            // libcurl shortens the wait to its own next timeout; `submit` wakes it early.
            curl_multi_poll(multi, nil, 0, 5000, nil)
        }
        tearDown()
    }

    private func start(_ transfer: CurlTransfer, _ continuation: CheckedContinuation<Result<HopOutcome, HTTPError>, Never>) {
        transfer.attach(continuation)
        if transfer.isCancelRequested {
            transfer.finish(failing: .cancelled)
            return
        }
        guard let easy = pool.popLast() ?? curl_easy_init() else {
            transfer.finish(failing: .other(code: Int(CURLE_FAILED_INIT.rawValue), detail: "could not create a transfer"))
            return
        }
        if let error = transfer.configure(easy, share: share) {
            transfer.finish(failing: error)
            recycle(easy)
            return
        }
        active[easy] = transfer
        if curl_multi_add_handle(multi, easy) != CURLM_OK {
            active[easy] = nil
            transfer.finish(failing: .other(code: Int(CURLE_FAILED_INIT.rawValue), detail: "could not start the transfer"))
            recycle(easy)
        }
    }

    private func cancel(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy, active[easy] === transfer else { return }
        curl_multi_remove_handle(multi, easy)
        active[easy] = nil
        transfer.finish(failing: .cancelled)
        recycle(easy)
    }

    private func resume(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy, active[easy] === transfer else { return }
        reader_curl_easy_unpause(easy)
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard reader_curl_msg_is_done(message) != 0, let easy = message.pointee.easy_handle else { continue }
            let code = reader_curl_msg_result(message)
            curl_multi_remove_handle(multi, easy)
            guard let transfer = active.removeValue(forKey: easy) else {
                recycle(easy)
                continue
            }
            transfer.complete(code)
            recycle(easy)
        }
    }

    /// Keeps a few reset handles for the next transfers; `curl_easy_reset` keeps the
    /// handle's caches but clears every option, including our callbacks' user data.
    private func recycle(_ easy: UnsafeMutableRawPointer) {
        if pool.count < Self.maxPooledHandles {
            curl_easy_reset(easy)
            pool.append(easy)
        } else {
            curl_easy_cleanup(easy)
        }
    }

    private func tearDown() {
        let leftovers = inbox.withLock { inbox in
            inbox.stopped = true
            return inbox.commands
        }
        for case .start(let transfer, let continuation) in leftovers {
            transfer.attach(continuation)
            transfer.finish(failing: .cancelled)
        }
        for (easy, transfer) in active {
            curl_multi_remove_handle(multi, easy)
            transfer.finish(failing: .cancelled)
            curl_easy_cleanup(easy)
        }
        active.removeAll()
        pool.forEach { curl_easy_cleanup($0) }
        pool.removeAll()
        curl_multi_cleanup(multi)
        if let share { curl_share_cleanup(share) }
    }
}
