import Crypto
import Foundation

/// Stable identifiers and fingerprints shared by every replica, so a client and the
/// server name the same article the same way without talking to each other.
public enum Fingerprint {
    /// Hex SHA-256 of the parts, each followed by a unit separator so that
    /// ("ab", "c") and ("a", "bc") differ.
    public static func sha256Hex(_ parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0x1F]))
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// An article's id: 16 hex digits derived from its source and guid.
    public static func articleID(sourceKey: String, guid: String) -> String {
        String(sha256Hex(["article", sourceKey, guid]).prefix(16))
    }

    /// A source's id: 12 hex digits derived from its key.
    public static func sourceID(key: String) -> String {
        String(sha256Hex(["source", key]).prefix(12))
    }
}
