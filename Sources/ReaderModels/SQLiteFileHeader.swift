/// The parts of a SQLite database file's 100-byte header that say whose file it is.
///
/// The store and the server read it from the file's bytes before SQLite opens the file:
/// opening a database for writing switches it to WAL and adds tables, and a file that
/// belongs to another program must be refused without a byte changed.
/// See https://www.sqlite.org/fileformat.html#the_database_header.
package struct SQLiteFileHeader: Sendable, Hashable {
    /// How many bytes of the file the header takes.
    package static let size = 100

    /// `PRAGMA application_id`: the program that made the file; 0 when none said.
    package var applicationID: UInt32
    /// Whether the file is in WAL mode (file format read and write versions 2).
    package var isWAL: Bool

    /// The header at the start of `bytes`; nil when they do not start with a SQLite 3 header.
    package init?(_ bytes: [UInt8]) {
        let magic = Array("SQLite format 3\u{0}".utf8)
        guard bytes.count >= Self.size, Array(bytes[0..<magic.count]) == magic else { return nil }
        applicationID = bytes[68..<72].reduce(0) { $0 << 8 | UInt32($1) }
        isWAL = bytes[18] == 2 && bytes[19] == 2
    }
}
