import Crypto
import Foundation

/// Bearer tokens: 32 random bytes (256 bits) written as 64 hex digits, shown once when a
/// user is added and stored only as their SHA-256 hash, so a copy of the database does not
/// let anyone in.
package enum BearerToken {
    /// How many random bytes a token carries.
    package static let byteCount = 32

    /// A new token from the system's secure random source.
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return hex(bytes)
    }

    /// The hash a token is stored and looked up by.
    package static func hash(_ token: String) -> String {
        hex(Array(SHA256.hash(data: Data(token.utf8))))
    }

    /// Compares two hashes in time that depends only on their length, so a timing
    /// measurement tells nothing about how much of a guess was right.
    package static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// The token from an `Authorization: Bearer TOKEN` header value; nil for anything else.
    static func fromAuthorization(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
