import CCurl
import Foundation
import ReaderHTTP

// Setting up an easy handle for one hop; runs on the loop thread.
extension CurlTransfer {
    /// Sets every option of the hop on `easy`; returns the error that prevents starting.
    func configure(_ easy: UnsafeMutableRawPointer, share: UnsafeMutableRawPointer?) -> HTTPError? {
        self.easy = easy
        let options = CurlOptions(easy)
        let me = Unmanaged.passUnretained(self).toOpaque()
        let settings = loop.settings

        options.set(CURLOPT_URL, hop.url.absoluteString)
        options.set(CURLOPT_PROTOCOLS_STR, "http,https")
        options.set(CURLOPT_NOSIGNAL, 1)
        options.set(CURLOPT_FOLLOWLOCATION, 0)
        options.set(CURLOPT_ACCEPT_ENCODING, "")
        options.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        options.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        options.set(CURLOPT_TCP_KEEPALIVE, 1)
        options.set(CURLOPT_SSL_VERIFYPEER, 1)
        options.set(CURLOPT_SSL_VERIFYHOST, 2)
        options.set(CURLOPT_USERAGENT, settings.userAgent)
        // A streamed body is handed over in chunks of the channel's buffer size. Collected
        // bodies and downloads keep libcurl's default (16 KB): it stays in cache, and a
        // 2 GB loopback download ran at 91-109% of the curl CLI with it, 76-81% with 256 KB or 1 MB.
        if case .stream = hop.delivery {
            options.set(CURLOPT_BUFFERSIZE, BodyChannel.bufferSize)
        }
        options.pointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        if let share { reader_curl_easy_setopt_share(easy, share) }
        settings.applyProxyAndCA(to: options)

        options.set(CURLOPT_CONNECTTIMEOUT_MS, max(1, hop.connectTimeout.roundedUpMilliseconds))
        if let remaining = hop.remainingTime {
            options.set(CURLOPT_TIMEOUT_MS, max(1, remaining.roundedUpMilliseconds))
        }
        if let lowSpeed = hop.lowSpeed {
            options.set(CURLOPT_LOW_SPEED_LIMIT, max(1, lowSpeed.bytesPerSecond))
            options.set(CURLOPT_LOW_SPEED_TIME, max(1, (lowSpeed.duration.roundedUpMilliseconds + 999) / 1000))
        }

        headerList = Self.headerList(hop.headers)
        reader_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)

        if !settings.addressPolicy.isUnrestricted {
            options.pointer(CURLOPT_OPENSOCKETDATA, me)
            reader_curl_easy_setopt_opensocket_callback(easy) { context, purpose, address in
                guard let context, let address else { return reader_curl_socket_bad() }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.openSocket(purpose: purpose, address: address)
            }
        }

        options.pointer(CURLOPT_HEADERDATA, me)
        reader_curl_easy_setopt_header_callback(easy) { line, size, count, context in
            guard let line, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.didReceiveHeaderLine(UnsafeRawBufferPointer(start: line, count: size * count))
        }
        options.pointer(CURLOPT_WRITEDATA, me)
        reader_curl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.didReceiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        return configureMethodAndBody(options, context: me)
    }

    private func configureMethodAndBody(_ options: CurlOptions, context: UnsafeMutableRawPointer) -> HTTPError? {
        var body = hop.body
        if body.isEmpty {
            switch hop.method {
            case .get:
                options.set(CURLOPT_HTTPGET, 1)
                return nil
            case .head:
                options.set(CURLOPT_NOBODY, 1)
                return nil
            case .post, .put, .patch:
                // Sent with `Content-Length: 0`, which some servers insist on.
                body = .bytes([])
            default:
                options.set(CURLOPT_CUSTOMREQUEST, hop.method.rawValue)
                return nil
            }
        }
        let source: UploadSource
        do {
            source = try UploadSource(body)
        } catch {
            return error
        }
        upload = source
        options.set(CURLOPT_POST, 1)
        options.set(CURLOPT_POSTFIELDSIZE_LARGE, source.size)
        if hop.method != .post { options.set(CURLOPT_CUSTOMREQUEST, hop.method.rawValue) }
        options.pointer(CURLOPT_READDATA, context)
        reader_curl_easy_setopt_read_callback(easy) { buffer, size, count, context in
            guard let buffer, let context else { return reader_curl_readfunc_abort() }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            let target = UnsafeMutableRawBufferPointer(start: buffer, count: size * count)
            return transfer.upload?.read(into: target) ?? reader_curl_readfunc_abort()
        }
        options.pointer(CURLOPT_SEEKDATA, context)
        reader_curl_easy_setopt_seek_callback(easy) { context, offset, origin in
            guard let context, offset == 0, origin == SEEK_SET else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.upload?.rewind() == true ? Int32(CURL_SEEKFUNC_OK) : Int32(CURL_SEEKFUNC_FAIL)
        }
        return nil
    }

    private static func headerList(_ headers: HTTPHeaders) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        // Without this libcurl sends `Expect: 100-continue` with larger bodies and waits
        // up to a second for servers that never answer it.
        if !headers.contains("Expect") { list = curl_slist_append(list, "Expect:") }
        for field in headers {
            // "Name;" is libcurl's way to send a header with an empty value.
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            list = curl_slist_append(list, line)
        }
        return list
    }
}
