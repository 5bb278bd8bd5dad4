/// A value in the server's database that this build cannot read: an enum raw value it does
/// not know, written by a newer server or by hand. Reading stops here rather than turning
/// the row into a default, which would serve or record something that was never stored.
public struct UnreadableStoredValue: Error, Hashable, Sendable, CustomStringConvertible {
    /// The table the value was read from.
    public var table: String
    /// The column the value was read from.
    public var column: String
    /// The stored text.
    public var value: String

    /// An error naming where the value was and what it was.
    public init(table: String, column: String, value: String) {
        self.table = table
        self.column = column
        self.value = value
    }

    /// One sentence naming table, column and value.
    public var description: String {
        "the server database holds \(table).\(column) = '\(value)', which this reader-server does not know; "
            + "it may have been written by a newer version"
    }

    /// Reads `text` as `Value`, or throws naming where it was stored.
    static func decode<Value: RawRepresentable>(
        _ text: String, as _: Value.Type, table: String, column: String
    ) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: text) else { throw UnreadableStoredValue(table: table, column: column, value: text) }
        return value
    }
}
