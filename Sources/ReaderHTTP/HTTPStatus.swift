/// Reason phrases for status codes, for messages people read (HTTP/2 sends none).
package enum HTTPStatus {
    package static func reason(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 425: "Too Early"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: ""
        }
    }

    /// "404 Not Found", or just "599" for a code without a known phrase.
    static func line(_ code: Int) -> String {
        let phrase = reason(code)
        return phrase.isEmpty ? "\(code)" : "\(code) \(phrase)"
    }

    /// Whether a status asks the client to go elsewhere with a `Location` header.
    package static func isFollowableRedirect(_ code: Int) -> Bool {
        code == 301 || code == 302 || code == 303 || code == 307 || code == 308
    }
}
