import Foundation
import GRDB
import ReaderModels

extension Row {
    /// The enum case stored in `column` of `table`.
    ///
    /// A value no case matches throws `StoreError.unknownStoredValue` rather than becoming a
    /// default: a default would show a newer version's row as something it is not, and a
    /// sync would push that guess back as the person's edit.
    func stored<Value: RawRepresentable>(_ type: Value.Type, _ column: String, in table: String) throws -> Value
    where Value.RawValue == String {
        let text: String? = self[column]
        guard let text, let value = Value(rawValue: text) else {
            throw StoreError.unknownStoredValue(table: table, column: column, value: text ?? "NULL")
        }
        return value
    }

    /// The hybrid logical clock stamp stored in `column` of `table`; one that does not parse
    /// throws `StoreError.unknownStoredValue` (a zero stamp would lose every merge).
    func storedHLC(_ column: String, in table: String) throws -> HLC {
        let text: String? = self[column]
        guard let text, let stamp = HLC(text) else {
            throw StoreError.unknownStoredValue(table: table, column: column, value: text ?? "NULL")
        }
        return stamp
    }
}

extension Row {
    /// The instant stored in `column` of `table` in the store's text form (`Timestamp`);
    /// nil for NULL. Text in any other form throws `StoreError.unknownStoredValue`.
    func storedDate(_ column: String, in table: String) throws -> Date? {
        guard let text: String = self[column] else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw StoreError.unknownStoredValue(table: table, column: column, value: text)
        }
        return date
    }

    /// The instant stored in a NOT NULL `column` of `table` (see `storedDate(_:in:)`).
    func requiredDate(_ column: String, in table: String) throws -> Date {
        guard let date = try storedDate(column, in: table) else {
            throw StoreError.unknownStoredValue(table: table, column: column, value: "NULL")
        }
        return date
    }

    /// The address stored in `column` of `table`; nil for NULL. Text that is no URL throws
    /// `StoreError.unknownStoredValue`.
    func storedURL(_ column: String, in table: String) throws -> URL? {
        guard let text: String = self[column] else { return nil }
        guard let url = URL(string: text) else {
            throw StoreError.unknownStoredValue(table: table, column: column, value: text)
        }
        return url
    }
}
