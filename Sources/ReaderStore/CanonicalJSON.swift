import Foundation

/// The JSON the store and the CLI print: sorted keys, two-space indentation, no escaped
/// slashes, a final newline, and empty arrays and objects written `[]` and `{}`.
///
/// Foundation's pretty printer writes an empty array as `[`, a blank line and `]`; those are
/// folded here, so an export reads well and does not depend on that detail of an encoder.
public enum CanonicalJSON {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Data(foldingEmptyContainers(Array(try encoder.encode(value)))) + Data("\n".utf8)
    }

    /// `[` or `{`, then only newlines and spaces, then the matching `]` or `}`, becomes `[]`
    /// or `{}`. JSON strings cannot hold a raw newline, so this never touches a value.
    static func foldingEmptyContainers(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            out.append(byte)
            index += 1
            guard byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{"), index < bytes.count, bytes[index] == UInt8(ascii: "\n") else {
                continue
            }
            var end = index
            while end < bytes.count, bytes[end] == UInt8(ascii: "\n") || bytes[end] == UInt8(ascii: " ") { end += 1 }
            let closer = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            if end < bytes.count, bytes[end] == closer {
                out.append(closer)
                index = end + 1
            }
        }
        return out
    }
}
