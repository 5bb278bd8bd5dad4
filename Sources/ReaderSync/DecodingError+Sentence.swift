extension DecodingError {
    /// What is wrong with a JSON document, in a few words and the path to the value:
    /// "changes[3].hlc is missing". The error's own description is a multi-line dump of
    /// coding keys, which is no use to a person.
    var sentence: String {
        switch self {
        case .keyNotFound(let key, let context):
            "\(Self.path(context.codingPath + [key])) is missing"
        case .valueNotFound(_, let context):
            "\(Self.path(context.codingPath)) is null"
        case .typeMismatch(let type, let context):
            "\(Self.path(context.codingPath)) is not \(Self.kind(type))"
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            "it is not valid JSON"
        case .dataCorrupted(let context):
            "\(Self.path(context.codingPath)) has a value that is not allowed" + Self.detail(context.debugDescription)
        @unknown default:
            "it is not in the expected form"
        }
    }

    /// A decoder's own reason in brackets, when it is one short line (ours are: "not an HLC
    /// stamp: …"); nothing otherwise.
    private static func detail(_ text: String) -> String {
        guard !text.isEmpty, text.count <= 160, !text.contains(where: \.isNewline) else { return "" }
        return " (\(text))"
    }

    /// `changes[3].hlc`; "the document" for the top level.
    private static func path(_ keys: [any CodingKey]) -> String {
        guard !keys.isEmpty else { return "the document" }
        let text = keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        return text.hasPrefix(".") ? String(text.dropFirst()) : text
    }

    /// "a string", "a number"… for the Swift type a decoder expected.
    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt64.Type, is Double.Type: "a number"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "of the expected type"
        }
    }
}
