import CCurl
import Foundation
import ReaderHTTP

// The address check: libcurl hands over each resolved address just before connecting to
// it (CURLOPT_OPENSOCKETFUNCTION), so the check sees what is really connected, whatever
// name or redirect led there; runs on the loop thread.
extension CurlTransfer {
    /// Opens the socket libcurl asked for, or refuses (`CURL_SOCKET_BAD`, which libcurl
    /// reports as a failed connect) when the client's policy does not allow the address;
    /// the refusal is kept as this hop's failure so it is reported as such.
    func openSocket(purpose: curlsocktype, address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        var raw = [UInt8](repeating: 0, count: 16)
        let length = raw.withUnsafeMutableBufferPointer { reader_curl_sockaddr_ip(address, $0.baseAddress) }
        // A socket that is not IPv4 or IPv6 (a Unix socket) has no address to judge: refused too.
        guard let ip = IPAddress(bytes: Array(raw.prefix(Int(length)))),
              loop.settings.addressPolicy.allows(ip) else {
            let shown = IPAddress(bytes: Array(raw.prefix(Int(length))))?.description ?? "a non-IP address"
            failure = .addressNotAllowed(host: hop.host, address: shown)
            return reader_curl_socket_bad()
        }
        return socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
    }
}
