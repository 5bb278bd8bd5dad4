import Foundation
import ReaderModels

/// Validates JSON against the subset of JSON Schema 2020-12 the contract uses: `type`
/// (one name or a list), `properties`, `required`, `additionalProperties`, `items`, `enum`,
/// `const`, `$ref` (to a sibling file, `#/$defs/…`, or both), `oneOf`, `anyOf`, `allOf`,
/// `minimum`, `maximum`, `minLength`, `maxLength`, `minItems`, `maxItems`, `pattern`. Other
/// keywords are ignored.
struct SchemaValidator {
    let directory: URL
    private var documents: [String: JSONValue] = [:]

    init(directory: URL) throws {
        self.directory = directory
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".json") {
            documents[name] = try JSONValue.parse(Data(contentsOf: directory.appendingPathComponent(name)))
        }
    }

    func validate(_ value: JSONValue, schemaFile: String) throws -> [String] {
        guard let schema = documents[schemaFile] else { throw SchemaError(description: "no schema \(schemaFile) in \(directory.path)") }
        var problems: [String] = []
        try check(value, schema, file: schemaFile, path: "$", into: &problems)
        return problems
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, file: String, path: String, into problems: inout [String]) throws {
        if case .bool(let allowed) = schema {
            if !allowed { problems.append("\(path): not allowed here") }
            return
        }
        guard let keywords = schema.objectValue else { throw SchemaError(description: "\(file): a schema must be an object or a boolean") }

        if let reference = keywords["$ref"]?.stringValue {
            let (target, targetFile) = try resolve(reference, from: file)
            try check(value, target, file: targetFile, path: path, into: &problems)
        }
        if let type = keywords["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
            let actual = value.typeName
            let matches = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !matches {
                problems.append("\(path): expected \(allowed.joined(separator: " or ")), got \(actual)")
                return
            }
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(value) {
            problems.append("\(path): \(Self.show(value)) is not one of \(options.map(Self.show).joined(separator: ", "))")
        }
        if let constant = keywords["const"], constant != value {
            problems.append("\(path): expected \(Self.show(constant)), got \(Self.show(value))")
        }
        try checkCombinators(value, keywords, file: file, path: path, into: &problems)

        switch value {
        case .object(let members):
            let properties = keywords["properties"]?.objectValue ?? [:]
            for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                problems.append("\(path): missing required \"\(name)\"")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                let memberPath = path + "." + name
                if let property = properties[name] {
                    try check(member, property, file: file, path: memberPath, into: &problems)
                } else if let additional = keywords["additionalProperties"] {
                    if additional == .bool(false) {
                        problems.append("\(memberPath): not allowed (additionalProperties is false)")
                    } else {
                        try check(member, additional, file: file, path: memberPath, into: &problems)
                    }
                }
            }
        case .array(let elements):
            if let minimum = keywords["minItems"].flatMap(\.numberValue), Double(elements.count) < minimum {
                problems.append("\(path): fewer than \(Int(minimum)) items")
            }
            if let maximum = keywords["maxItems"].flatMap(\.numberValue), Double(elements.count) > maximum {
                problems.append("\(path): more than \(Int(maximum)) items")
            }
            if let items = keywords["items"] {
                for (index, element) in elements.enumerated() {
                    try check(element, items, file: file, path: "\(path)[\(index)]", into: &problems)
                }
            }
        case .number(let number):
            if let minimum = keywords["minimum"].flatMap(\.numberValue), number < minimum {
                problems.append("\(path): \(number) is below the minimum \(minimum)")
            }
            if let maximum = keywords["maximum"].flatMap(\.numberValue), number > maximum {
                problems.append("\(path): \(number) is above the maximum \(maximum)")
            }
        case .string(let text):
            if let minimum = keywords["minLength"].flatMap(\.numberValue), Double(text.count) < minimum {
                problems.append("\(path): shorter than \(Int(minimum)) characters")
            }
            // JSON Schema counts characters as code points, not as Swift's grapheme clusters.
            if let maximum = keywords["maxLength"].flatMap(\.numberValue), Double(text.unicodeScalars.count) > maximum {
                problems.append("\(path): longer than \(Int(maximum)) characters")
            }
            if let pattern = keywords["pattern"]?.stringValue {
                let expression = try NSRegularExpression(pattern: pattern)
                let range = NSRange(text.startIndex..., in: text)
                if expression.firstMatch(in: text, range: range) == nil {
                    problems.append("\(path): \(Self.show(value)) does not match /\(pattern)/")
                }
            }
        case .null, .bool:
            break
        }
    }

    private func checkCombinators(
        _ value: JSONValue, _ keywords: [String: JSONValue], file: String, path: String, into problems: inout [String]
    ) throws {
        for schema in keywords["allOf"]?.arrayValue ?? [] {
            try check(value, schema, file: file, path: path, into: &problems)
        }
        for keyword in ["oneOf", "anyOf"] {
            guard let alternatives = keywords[keyword]?.arrayValue else { continue }
            var results: [[String]] = []
            for alternative in alternatives {
                var found: [String] = []
                try check(value, alternative, file: file, path: path, into: &found)
                results.append(found)
            }
            let matching = results.filter(\.isEmpty).count
            if matching == 0 {
                // The nearest alternative's problems say most about what is wrong.
                let nearest = results.min { $0.count < $1.count } ?? []
                problems.append("\(path): matches none of the \(keyword) alternatives; the nearest says:")
                problems += nearest.map { "  " + $0 }
            } else if keyword == "oneOf", matching > 1 {
                problems.append("\(path): matches \(matching) of the oneOf alternatives, not exactly one")
            }
        }
    }

    /// The schema a `$ref` points at, and the file it lives in.
    private func resolve(_ reference: String, from file: String) throws -> (JSONValue, String) {
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let targetFile = parts[0].isEmpty ? file : String(parts[0].split(separator: "/").last ?? "")
        guard var target = documents[targetFile] else {
            throw SchemaError(description: "\(file): $ref \(reference) names a file that is not in \(directory.path)")
        }
        if parts.count == 2, !parts[1].isEmpty {
            for token in parts[1].split(separator: "/") {
                let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                guard let next = target[name] else {
                    throw SchemaError(description: "\(file): $ref \(reference) points at nothing")
                }
                target = next
            }
        }
        return (target, targetFile)
    }

    /// A short rendering of a value for a message.
    private static func show(_ value: JSONValue) -> String {
        switch value {
        case .null, .bool, .number: value.canonicalText
        case .string(let text): "\"" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "\""
        case .array(let elements): "an array of \(elements.count)"
        case .object: "an object"
        }
    }
}
