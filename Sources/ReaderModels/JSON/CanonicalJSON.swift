import Foundation

/// The JSON the store and the CLI print for people: ``JSONWriter``'s canonical form in
/// Foundation's pretty layout (sorted keys, two-space indentation, `"key" : value`), with
/// no escaped slashes, empty arrays and objects written `[]` and `{}`, and a final newline.
///
/// Equal values give equal bytes, so two stores in the same state export the same file.
/// Going through a `JSONValue` tree costs about three times `JSONEncoder` alone
/// (`reader-bench json`): nothing for a document a person reads, and never used for the
/// server's pages.
package enum CanonicalJSON {
    /// `value`'s canonical pretty bytes. The value goes through `JSONEncoder` (its
    /// `Encodable` conformance decides the members) and then ``JSONValue``, so the layout,
    /// key order and escaping are the one writer's, not a detail of an encoder.
    package static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        // A date reads as the store's timestamps do, not as seconds since 2001.
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        let tree = try JSONDecoder().decode(JSONValue.self, from: encoder.encode(value))
        var writer = JSONWriter(pretty: true)
        writer.value(tree)
        return Data(writer.bytes + [UInt8(ascii: "\n")])
    }
}
