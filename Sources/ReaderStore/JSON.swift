import Foundation
import ReaderModels

/// A value that can be written as canonical JSON (sorted keys, no insignificant space),
/// so the same change always has the same bytes in the outbox.
protocol JSONValue: Sendable {
    func writeJSON(into out: inout String)
}

enum JSON {
    static func encode(_ value: some JSONValue) -> String {
        var out = ""
        value.writeJSON(into: &out)
        return out
    }

    static func decodeStrings(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

extension Bool: JSONValue {
    func writeJSON(into out: inout String) { out += self ? "true" : "false" }
}

extension Int: JSONValue {
    func writeJSON(into out: inout String) { out += String(self) }
}

extension Double: JSONValue {
    func writeJSON(into out: inout String) {
        out += self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}

extension String: JSONValue {
    func writeJSON(into out: inout String) {
        out += "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension Optional: JSONValue where Wrapped: JSONValue {
    func writeJSON(into out: inout String) {
        if let self { self.writeJSON(into: &out) } else { out += "null" }
    }
}

extension Array: JSONValue where Element: JSONValue {
    func writeJSON(into out: inout String) {
        out += "["
        for (index, element) in enumerated() {
            if index > 0 { out += "," }
            element.writeJSON(into: &out)
        }
        out += "]"
    }
}

extension Dictionary: JSONValue where Key == String, Value == any JSONValue {
    func writeJSON(into out: inout String) {
        out += "{"
        for (index, member) in sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out += "," }
            member.key.writeJSON(into: &out)
            out += ":"
            member.value.writeJSON(into: &out)
        }
        out += "}"
    }
}

/// The wire's JSON value, written canonically when a stored fields object is read back
/// and merged.
extension WireValue: JSONValue {
    func writeJSON(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): value.writeJSON(into: &out)
        case .number(let value): value.writeJSON(into: &out)
        case .string(let value): value.writeJSON(into: &out)
        case .array(let value): value.writeJSON(into: &out)
        case .object(let value): value.mapValues { $0 as any JSONValue }.writeJSON(into: &out)
        }
    }
}

extension JSON {
    /// The members of a JSON object text; empty when the text is not an object.
    static func members(of text: String) -> [String: any JSONValue] {
        guard let members = try? JSONDecoder().decode(JSONObject.self, from: Data(text.utf8)) else { return [:] }
        return members.mapValues { $0 }
    }
}
