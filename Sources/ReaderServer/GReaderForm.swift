import Foundation
import Hummingbird

/// The parameters of a GReader request: the query string and, for a POST, the
/// `application/x-www-form-urlencoded` body, read together as PHP's `$_REQUEST` does (apps
/// put `T` and `i` in either). Every count and size is bounded here, where the input enters.
struct GReaderForm: Sendable {
    /// The largest form body read: `maxItems` ids in the long form, percent-encoded, fit.
    static let maxBodyBytes = 1 << 20
    /// The most parameters in one request, query and body together.
    static let maxParameters = maxItems + 100
    /// The most `i` (item) parameters in one request: apps mark thousands read at once.
    /// `stream/items/contents` takes fewer (`GReaderHandlers.maxContents`), since its answer
    /// grows with each item's text.
    static let maxItems = 10_000

    private(set) var pairs: [(name: String, value: String)] = []

    /// The first value of `name`.
    subscript(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    init(query: String?, body: String?) throws(GReaderError) {
        for text in [query, body].compactMap({ $0 }) where !text.isEmpty {
            for part in text.split(separator: "&", omittingEmptySubsequences: true) {
                guard pairs.count < Self.maxParameters else {
                    throw GReaderError(.badRequest, "more than \(Self.maxParameters) parameters")
                }
                let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = Self.decode(pieces[0])
                let value = pieces.count > 1 ? Self.decode(pieces[1]) : ""
                pairs.append((name, value))
            }
        }
        if all("i").count > Self.maxItems {
            throw GReaderError(.badRequest, "at most \(Self.maxItems) items (i) in one request")
        }
    }

    /// Reads the request's query and, for a POST, its body (at most `maxBodyBytes`).
    static func read(_ request: Request) async throws -> GReaderForm {
        var body: String?
        if request.method == .post {
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes {
                throw GReaderError(.tooLarge, "the form is over \(maxBodyBytes) bytes")
            }
            do {
                let buffer = try await request.body.collect(upTo: maxBodyBytes)
                body = String(decoding: buffer.readableBytesView, as: UTF8.self)
            } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                throw GReaderError(.tooLarge, "the form is over \(maxBodyBytes) bytes")
            }
        }
        return try GReaderForm(query: request.uri.query, body: body)
    }

    /// `+` is a space and `%XX` a byte, as HTML forms encode; undecodable text stays as sent.
    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// `n` as a count from 1 to `maximum`, `fallback` when absent; a malformed one is a 400.
    func count(_ name: String, fallback: Int, maximum: Int) throws(GReaderError) -> Int {
        guard let text = self[name], !text.isEmpty else { return fallback }
        guard text.utf8.count <= 9, let value = Int(text), value > 0 else {
            throw GReaderError(.badRequest, "\(name) must be a whole number from 1 to \(maximum)")
        }
        return min(value, maximum)
    }

    /// A time in seconds since 1970 (`ot`, `nt`), as milliseconds; nil when absent.
    func seconds(_ name: String) throws(GReaderError) -> Int64? {
        guard let text = self[name], !text.isEmpty else { return nil }
        guard text.utf8.count <= 12, let value = Int64(text), value >= 0 else {
            throw GReaderError(.badRequest, "\(name) must be a time in seconds since 1970")
        }
        return value * 1000
    }
}

/// A GReader failure: the API answers in plain text, not the native JSON error bodies.
package struct GReaderError: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable {
        /// A missing or bad Auth, or a missing or bad `T` on a write: 401 with
        /// `Google-Bad-Token: true`, which tells an app to fetch a new `T` and retry.
        case badToken
        case badRequest
        case notFound
        case tooLarge
        /// Too many failed logins for one name: 429 with `Retry-After`.
        case throttled(seconds: Int)
    }

    package var kind: Kind
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }

    package static let badToken = GReaderError(.badToken, "Unauthorized!")

    /// The text answer for this failure.
    var response: Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        let status: HTTPResponse.Status
        switch kind {
        case .badToken:
            status = .unauthorized
            if let name = GReaderHeaders.badToken { headers[name] = "true" }
        case .badRequest: status = .badRequest
        case .notFound: status = .notFound
        case .tooLarge: status = .contentTooLarge
        case .throttled(let seconds):
            status = .tooManyRequests
            headers[.retryAfter] = String(seconds)
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}

enum GReaderHeaders {
    /// Nil only if the name held a character a header name cannot (it holds none).
    static let badToken = HTTPFields.Element.Name("Google-Bad-Token")
}
