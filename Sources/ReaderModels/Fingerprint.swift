import Crypto
import Foundation

/// Stable identifiers and fingerprints shared by every replica, so a client and the
/// server name the same article the same way without talking to each other.
public enum Fingerprint {
    /// Hex SHA-256 of the parts, each followed by a unit separator so that
    /// ("ab", "c") and ("a", "bc") differ.
    package static func sha256Hex(_ parts: [String]) -> String {
        var hasher = SHA256()
        let separator: [UInt8] = [0x1F]
        for part in parts {
            var part = part
            part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            separator.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        // Formatted through a table: this runs three times for every article imported.
        let digest = hasher.finalize()
        return String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = hexDigits[Int(byte >> 4)]
                buffer[index + 1] = hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// An article's id: 16 hex digits derived from its source and guid.
    public static func articleID(sourceKey: String, guid: String) -> String {
        String(sha256Hex(["article", sourceKey, guid]).prefix(16))
    }

    /// A source's id: 12 hex digits derived from its key.
    public static func sourceID(key: String) -> String {
        String(sha256Hex(["source", key]).prefix(12))
    }
}
