import Foundation
import GRDB

/// Free text that must be stored with every byte: a note's body and quote, a subscription's
/// title. GRDB binds a `String` as a C string and reads text back with `String(cString:)`,
/// so a note body `"keep\u{0}this part is lost"` was kept as `keep`. Such text is bound as
/// its UTF-8 bytes into `CAST(? AS TEXT)` and selected as `CAST(column AS BLOB)`, read as
/// bytes: both keep every byte, and the column stays TEXT for SQL and search. (The server
/// has the same helper: the two modules share no database code.)
enum ExactText {
    /// The argument for a `CAST(? AS TEXT)` placeholder.
    static func argument(_ text: String?) -> Data? {
        text.map { Data($0.utf8) }
    }

    /// The select-list entry for `column` (of `table`, when given) that `Row.exactText`
    /// reads whole.
    static func column(_ column: String, of table: String? = nil) -> String {
        "CAST(\(table.map { $0 + "." } ?? "")\(column) AS BLOB) AS \(column)"
    }
}

extension Row {
    /// The text of a column selected with `ExactText.column`, NULs and all; nil for NULL.
    func exactText(_ column: String) -> String? {
        (self[column] as Data?).map { String(decoding: $0, as: UTF8.self) }
    }
}
