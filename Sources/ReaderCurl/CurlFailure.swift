import CCurl
import Foundation
import ReaderHTTP

/// Turns a failed transfer's libcurl code and message into an `HTTPError`.
struct CurlFailure {
    let code: CURLcode
    let text: String
    let host: String
    let isLoopback: Bool
    let received: Int64?
    let expected: Int64?
    let uploadPath: String
    let systemError: String?

    /// Reads what the classification needs from the transfer before its handle is reset.
    init(code: CURLcode, transfer: CurlTransfer) {
        self.code = code
        text = transfer.errorText
        host = transfer.hop.url.port.map { "\(transfer.hop.host):\($0)" } ?? transfer.hop.host
        isLoopback = Reachability.isLoopback(host: transfer.hop.host)
        received = transfer.offsetInfo(CURLINFO_SIZE_DOWNLOAD_T)
        if case .file(let path) = transfer.hop.body { uploadPath = path } else { uploadPath = "request body" }
        let osErrno = transfer.longInfo(CURLINFO_OS_ERRNO) ?? 0
        systemError = osErrno != 0 ? String(cString: strerror(Int32(osErrno))) : nil
        expected = transfer.offsetInfo(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T).flatMap { $0 >= 0 ? $0 : nil }
    }

    var error: HTTPError {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidURL(text.isEmpty ? host : text)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return offlineOr(.dns(host: code == CURLE_COULDNT_RESOLVE_PROXY ? "proxy" : host))
        case CURLE_COULDNT_CONNECT:
            return offlineOr(.connect(host: host, detail: detail))
        case CURLE_OPERATION_TIMEDOUT:
            if text.hasPrefix("Operation too slow") { return .timeout(.lowSpeed, host: host) }
            if text.hasPrefix("Connection timed out") || text.hasPrefix("Resolving timed out") {
                return offlineOr(.timeout(.connect, host: host))
            }
            return .timeout(.total, host: host)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED, CURLE_SSL_CLIENTCERT:
            return .tls(host: host, detail: text.isEmpty ? Curl.describe(code) : text)
        case CURLE_PARTIAL_FILE:
            return .truncated(received: received ?? 0, expected: expected)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            return .connectionLost(host: host, detail: detail)
        case CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3:
            // A reset stream or a closing connection: worth another try.
            return .connectionLost(host: host, detail: text.isEmpty ? Curl.describe(code) : text)
        case CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING:
            return .badResponse(detail: text.isEmpty ? Curl.describe(code) : text)
        case CURLE_READ_ERROR, CURLE_ABORTED_BY_CALLBACK:
            return .requestBody(path: uploadPath, detail: text.isEmpty ? Curl.describe(code) : text)
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(limit: 0, last: nil)
        default:
            return .other(code: Int(code.rawValue), detail: text.isEmpty ? Curl.describe(code) : text)
        }
    }

    /// The operating system's reason ("Connection refused"), else the end of curl's
    /// message, else curl's generic wording.
    private var detail: String {
        if let systemError { return systemError }
        if let range = text.range(of: ": ", options: .backwards) {
            return String(text[range.upperBound...])
        }
        return text.isEmpty ? Curl.describe(code) : text
    }

    /// A host that cannot be reached is reported as "offline" when no network is up.
    private func offlineOr(_ error: HTTPError) -> HTTPError {
        !isLoopback && !Reachability.hasNetworkInterface() ? .offline : error
    }
}
