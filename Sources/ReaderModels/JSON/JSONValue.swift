import Foundation

/// Any JSON value: a mutation's `fields` on the wire (their shape depends on the entity),
/// and what the store keeps as JSON text (outbox fields, tags).
///
/// The one JSON value model of the package. Numbers are `Double`s, as JSON's are: a whole
/// number is exact up to 2^53. The package writes it in one canonical form (sorted keys, no
/// insignificant space), so equal values are stored as equal bytes.
public enum JSONValue: Hashable, Sendable, Codable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// Any number.
    case number(Double)
    /// A string, unescaped.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object(JSONObject)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode(JSONObject.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The boolean, when this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The number, when this is one.
    public var numberValue: Double? {
        if case .number(let value) = self { value } else { nil }
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The members, when this is an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { value } else { nil }
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The strings of an array of strings; nil for anything else.
    public var stringArray: [String]? {
        guard case .array(let values) = self else { return nil }
        var strings: [String] = []
        for value in values {
            guard case .string(let string) = value else { return nil }
            strings.append(string)
        }
        return strings
    }
}

/// A JSON object.
public typealias JSONObject = [String: JSONValue]

extension JSONValue {
    /// An array of strings (tags).
    package static func strings(_ values: [String]) -> JSONValue {
        .array(values.map(JSONValue.string))
    }

    /// Reads a JSON text.
    package init(parsing text: some StringProtocol) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The strings of a stored JSON array of strings (tags); empty for no text or anything
    /// else, so a damaged column reads as no tags rather than failing the whole row.
    package static func strings(in text: String?) -> [String] {
        guard let text, let value = try? JSONValue(parsing: text) else { return [] }
        return value.stringArray ?? []
    }

    /// The canonical text (see ``JSONWriter/value(_:)``): equal values give equal bytes, so
    /// stored fields and fingerprints do not depend on dictionary order.
    package var canonicalText: String {
        var writer = JSONWriter()
        writer.value(self)
        return writer.text
    }
}
