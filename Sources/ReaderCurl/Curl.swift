import CCurl
import ReaderHTTP

/// Process-wide libcurl state.
enum Curl {
    /// `curl_global_init` runs once, on first use; a `static let` initialiser is
    /// thread-safe, and libcurl's own init is not.
    static let isInitialized: Bool = reader_curl_global_init() == CURLE_OK

    /// The libcurl version in use, e.g. `"7.88.1"`.
    static let version: String = String(cString: reader_curl_version_number())

    /// A libcurl error code as text (curl's own wording).
    static func describe(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    /// The CA bundle and directory libcurl was built to trust by default.
    static let defaultCALocations: (file: String?, directory: String?) = {
        guard isInitialized, let easy = curl_easy_init() else { return (nil, nil) }
        defer { curl_easy_cleanup(easy) }
        var file: UnsafePointer<CChar>?
        var directory: UnsafePointer<CChar>?
        _ = reader_curl_easy_getinfo_string(easy, CURLINFO_CAINFO, &file)
        _ = reader_curl_easy_getinfo_string(easy, CURLINFO_CAPATH, &directory)
        return (file.map { String(cString: $0) }, directory.map { String(cString: $0) })
    }()
}
