import CCurl
import Foundation
import ReaderHTTP

/// The options every transfer of one client shares, prepared once.
// @unchecked Sendable because everything is immutable after init; `caBlob` points at
// memory this object owns and frees only in deinit, after the loop (which holds it) is gone.
final class TransferSettings: @unchecked Sendable {
    let userAgent: String
    let proxy: HTTPClientConfiguration.Proxy
    let streamBufferBytes: Int
    let addressPolicy: AddressPolicy
    private let caBytes: UnsafeMutableRawBufferPointer?

    /// Reads the extra CA bundle (and the system bundle it is added to) into memory;
    /// throws when the extra bundle cannot be read.
    init(_ configuration: HTTPClientConfiguration) throws(HTTPError) {
        userAgent = configuration.userAgent
        proxy = configuration.proxy
        streamBufferBytes = configuration.streamBufferBytes
        addressPolicy = configuration.addressPolicy
        guard let extraPath = configuration.extraCABundlePath else {
            caBytes = nil
            return
        }
        guard let extra = FileManager.default.contents(atPath: extraPath) else {
            throw .tls(host: "local", detail: "cannot read the CA bundle \(extraPath)")
        }
        // CURLOPT_CAINFO_BLOB replaces the default bundle file, so the blob holds the
        // system bundle followed by the extra certificates; the default CA directory,
        // when libcurl has one, stays in use as well.
        var pem = Curl.defaultCALocations.file.flatMap { FileManager.default.contents(atPath: $0) } ?? Data()
        pem.append(contentsOf: Array("\n".utf8))
        pem.append(extra)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: pem.count, alignment: 1)
        buffer.copyBytes(from: pem)
        caBytes = buffer
    }

    deinit {
        caBytes?.deallocate()
    }

    func applyProxyAndCA(to options: CurlOptions) {
        switch proxy {
        case .environment:
            break
        case .direct:
            // An empty proxy string makes libcurl ignore the proxy environment variables.
            options.set(CURLOPT_PROXY, "")
        case .url(let url):
            options.set(CURLOPT_PROXY, url)
        }
        if let caBytes, let base = caBytes.baseAddress {
            var blob = curl_blob(data: base, len: caBytes.count, flags: UInt32(CURL_BLOB_NOCOPY))
            reader_curl_easy_setopt_blob(options.easy, CURLOPT_CAINFO_BLOB, &blob)
        }
    }
}
