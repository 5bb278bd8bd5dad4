import CCurl
import ReaderHTTP

/// Typed `curl_easy_setopt` on one handle. Setting options on a fresh or reset handle only
/// fails for unknown options or out-of-memory, and either shows up when the transfer runs,
/// so results are not checked here.
struct CurlOptions {
    let easy: UnsafeMutableRawPointer

    init(_ easy: UnsafeMutableRawPointer) {
        self.easy = easy
    }

    func set(_ option: CURLoption, _ value: Int) {
        reader_curl_easy_setopt_long(easy, option, value)
    }

    func set(_ option: CURLoption, _ value: Int64) {
        reader_curl_easy_setopt_off_t(easy, option, curl_off_t(value))
    }

    /// libcurl copies string options (all but `CURLOPT_POSTFIELDS`, which is not used).
    func set(_ option: CURLoption, _ value: String) {
        reader_curl_easy_setopt_string(easy, option, value)
    }

    func pointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) {
        reader_curl_easy_setopt_pointer(easy, option, value)
    }
}
