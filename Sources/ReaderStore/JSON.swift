import ReaderModels

/// The store's JSON text columns (tags, outbox fields), read and written through the one
/// value model, `JSONValue`, and its canonical writer.
enum JSON {
    /// The canonical text of outbox fields: equal fields give equal text.
    static func encode(_ fields: JSONObject) -> String { JSONValue.object(fields).canonicalText }

    /// The canonical text of a tags column.
    static func encode(_ tags: [String]) -> String { JSONValue.strings(tags).canonicalText }

    /// The tags of a tags column; none when the text is not an array of strings.
    static func decodeStrings(_ text: String) -> [String] { JSONValue.strings(in: text) }

    /// The members of a JSON object text; empty when the text is not an object.
    static func members(of text: String) -> JSONObject {
        (try? JSONValue(parsing: text))?.objectValue ?? [:]
    }
}
