import Foundation
import ReaderModels

/// The published sync contract in `Schemas/`: validates JSON against the record schemas
/// in `Schemas/json/` and reads the OpenAPI document in `Schemas/api/`. For the server's
/// tests and the client's alike:
///
/// ```swift
/// try Contract.validate(responseBody, against: "change-page")
/// ```
public enum Contract {
    /// The repository's `Schemas/` folder, found from this file's place in the tree.
    public static let schemasDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ContractSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the package
        .appendingPathComponent("Schemas")

    /// The names of every record schema (`change-page` for `json/change-page.schema.json`).
    public static func schemaNames() throws -> [String] {
        let folder = schemasDirectory.appendingPathComponent("json")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".schema.json") }
            .map { String($0.dropLast(".schema.json".count)) }
            .sorted()
    }

    /// Validates a JSON document against `json/NAME.schema.json`.
    ///
    /// - Throws: `ContractViolation` listing each problem with its JSON path
    ///   (`$.changes[2].record.title: expected string, got null`), or `JSONParseError`.
    public static func validate(_ json: Data, against name: String) throws {
        let document = try JSONValue.parse(json)
        try validate(document, against: name)
    }

    /// Validates an already parsed document against `json/NAME.schema.json`.
    public static func validate(_ document: JSONValue, against name: String) throws {
        let validator = try SchemaValidator(directory: schemasDirectory.appendingPathComponent("json"))
        let file = name + ".schema.json"
        let problems = try validator.validate(document, schemaFile: file)
        if !problems.isEmpty { throw ContractViolation(schema: name, problems: problems) }
    }

    /// Encodes `value` with a plain `JSONEncoder` and validates the result.
    public static func validate(encoding value: some Encodable, against name: String) throws {
        try validate(try JSONEncoder().encode(value), against: name)
    }

    /// The OpenAPI document, `api/openapi.json`.
    public static func openAPI() throws -> JSONValue {
        try load("api/openapi.json")
    }

    /// A file under `Schemas/`, parsed.
    public static func load(_ relativePath: String) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: schemasDirectory.appendingPathComponent(relativePath)))
    }
}

/// A document that does not match its schema: every problem found, each with its path.
public struct ContractViolation: Error, CustomStringConvertible {
    /// The schema's name.
    public var schema: String
    /// One line per problem, starting with the JSON path.
    public var problems: [String]

    /// The schema's name and every problem, one a line.
    public var description: String {
        "does not match \(schema).schema.json:\n  " + problems.joined(separator: "\n  ")
    }
}

/// A schema that cannot be used: a missing file or a `$ref` to nowhere.
public struct SchemaError: Error, CustomStringConvertible {
    /// What is wrong with the schema files.
    public var description: String
}
