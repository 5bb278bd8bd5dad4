import CompressNIO
import Foundation
import Hummingbird
import ReaderModels

/// Builds the server's JSON responses: `application/json`, gzipped when the client accepts
/// gzip and the body is large enough for it to pay.
struct JSONResponder: Sendable {
    let gzipMinimumBytes: Int

    func respond(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, to request: Request) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        var body = ByteBuffer(bytes: bytes)
        if bytes.count >= gzipMinimumBytes {
            headers[.vary] = "Accept-Encoding"
            if Self.acceptsGzip(request.headers[.acceptEncoding]), let compressed = Self.gzip(body) {
                body = compressed
                headers[.contentEncoding] = "gzip"
            }
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    func respond(encoding value: some Encodable, status: HTTPResponse.Status = .ok, to request: Request) throws -> Response {
        let data = try Self.encoder.encode(value)
        return respond(Array(data), status: status, to: request)
    }

    /// The error body for `error`, never compressed (it is small).
    static func error(_ error: ServerError) -> Response {
        let body = (try? encoder.encode(error.envelope)) ?? Data(#"{"error":{"code":"internal","message":"error"}}"#.utf8)
        return Response(
            status: HTTPResponse.Status(code: error.status),
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// A fresh encoder with the server's output form (sorted keys, so equal values give equal bytes).
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Whether an Accept-Encoding value admits gzip (`gzip`, `x-gzip` or `*`, not with `q=0`).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
            let weight = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if weight > 0 { return true }
        }
        return false
    }

    /// The body gzipped at the fastest level (pages are large and mostly text: speed matters
    /// more than the last few percent); nil if compression fails, and the body goes as it is.
    static func gzip(_ body: ByteBuffer) -> ByteBuffer? {
        var input = body
        return try? input.compress(with: .gzip, configuration: ZlibConfiguration(compressionLevel: .fastestCompression))
    }
}
