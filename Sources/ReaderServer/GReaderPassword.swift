import _CryptoExtras
import Crypto
import Foundation

/// API passwords, stored as scrypt hashes: a function made to be slow and memory-hard, so a
/// copy of the database does not make guessing cheap. The stored text carries its own
/// parameters (`scrypt$<log2 N>$<r>$<p>$<salt>$<key>`, base64), so they can be raised later
/// without breaking the passwords already set.
package enum GReaderPassword {
    /// The cost of a new hash: N = 2^15, r = 8, p = 1 (32 MiB and some tens of milliseconds
    /// per try on a server core), the parameters RFC 7914 suggests for interactive logins.
    package struct Cost: Hashable, Sendable {
        package var log2N: Int
        package var blockSize: Int
        package var parallelism: Int

        package init(log2N: Int, blockSize: Int, parallelism: Int) {
            self.log2N = log2N
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        package static let standard = Cost(log2N: 15, blockSize: 8, parallelism: 1)

        /// The most a stored hash may ask for, so a hash written by hand cannot make one
        /// login take gigabytes.
        var isWithinBounds: Bool {
            (10...20).contains(log2N) && (1...16).contains(blockSize) && (1...4).contains(parallelism)
        }
    }

    /// The longest password accepted, in bytes: long enough for any generated one, short
    /// enough that hashing it costs nothing extra.
    static let maxBytes = 1024
    static let saltBytes = 16
    static let keyBytes = 32

    /// A password the command line or a login offers: 1 to `maxBytes` bytes, no line breaks.
    static func isAcceptable(_ password: String) -> Bool {
        let bytes = password.utf8
        return !bytes.isEmpty && bytes.count <= maxBytes && !bytes.contains(0x0A) && !bytes.contains(0x0D)
    }

    /// The stored form of `password` with a fresh random salt.
    static func hash(_ password: String, cost: Cost = .standard) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let key = try derive(password, salt: salt, cost: cost)
        return ["scrypt", String(cost.log2N), String(cost.blockSize), String(cost.parallelism),
                Data(salt).base64EncodedString(), Data(key).base64EncodedString()].joined(separator: "$")
    }

    /// Whether `password` is the one `stored` was made from; the keys are compared in
    /// constant time. A stored text this code cannot read matches nothing.
    static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt",
              let log2N = Int(parts[1]), let blockSize = Int(parts[2]), let parallelism = Int(parts[3]),
              let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])),
              expected.count == keyBytes
        else { return false }
        let cost = Cost(log2N: log2N, blockSize: blockSize, parallelism: parallelism)
        guard cost.isWithinBounds, isAcceptable(password), let key = try? derive(password, salt: Array(salt), cost: cost) else {
            return false
        }
        return constantTimeEquals(key, Array(expected))
    }

    /// Work as long as a real check, for a name with no password, so the time a failed login
    /// takes does not tell whether the name exists.
    static func burn(_ password: String) {
        _ = try? derive(password, salt: Array(repeating: 0, count: saltBytes), cost: .standard)
    }

    private static func derive(_ password: String, salt: [UInt8], cost: Cost) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: keyBytes, rounds: 1 << cost.log2N,
            blockSize: cost.blockSize, parallelism: cost.parallelism
        )
        return key.withUnsafeBytes { Array($0) }
    }

    private static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// The secrets of a GReader session. `Auth` is 32 random bytes in hex, stored only as its
/// SHA-256 hash like the native bearer tokens; the write token `T` is derived from it with
/// HMAC, so it needs no storage, lives exactly as long as the session, and a `T` taken from
/// one session is worthless in another.
package enum GReaderSession {
    /// The most sessions a user keeps; a new login past it ends the oldest.
    package static let maxPerUser = 32
    /// How long a session may go unused before it ends (30 days): an app that syncs keeps
    /// its session, a token left on a lost device stops working.
    package static let maxIdleMillis: Int64 = 30 * 86_400_000
    /// How old a session's renewal must be before a use renews it again (1 day), so that
    /// authenticating a request is a write at most once a day per session.
    package static let renewAfterMillis: Int64 = 86_400_000

    static func writeToken(forAuth auth: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("reader-server greader T".utf8), using: SymmetricKey(data: Data(auth.utf8)))
        return Array(mac).prefix(20).map { String(format: "%02x", $0) }.joined()
    }

    static func isWriteToken(_ candidate: String?, forAuth auth: String) -> Bool {
        guard let candidate, candidate.utf8.count == 40 else { return false }
        return BearerToken.constantTimeEquals(candidate, writeToken(forAuth: auth))
    }

    /// The Auth from `Authorization: GoogleLogin auth=…`; nil for any other form.
    static func auth(fromAuthorization header: String?) -> String? {
        guard let header, header.utf8.count <= 256 else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "googlelogin" else { return nil }
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        guard value.lowercased().hasPrefix("auth=") else { return nil }
        let token = String(value.dropFirst(5))
        return token.isEmpty ? nil : token
    }
}
