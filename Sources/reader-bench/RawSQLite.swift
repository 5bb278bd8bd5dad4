import GRDBSQLite

/// A bare SQLite connection through the C API: the floor the store is measured against,
/// with nothing between the caller and `sqlite3_step`.
final class RawDatabase {
    let path: String
    /// The connection, for `addArticleTextFunction()`.
    let handle: OpaquePointer

    init(path: String, readOnly: Bool = false) throws {
        var handle: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw BenchError("cannot open \(path): \(message)")
        }
        self.path = path
        self.handle = handle
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "error"
            sqlite3_free(message)
            throw BenchError("\(path): \(text) in \(sql)")
        }
    }

    func prepare(_ sql: String) throws -> RawStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw BenchError("\(path): \(errorMessage) in \(sql)")
        }
        return RawStatement(statement: statement, database: self)
    }

    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// The SQLite library's version, e.g. `3.40.1`.
    static var version: String { String(cString: sqlite3_libversion()) }
}

/// A prepared statement, reset and re-bound for every row.
final class RawStatement {
    private let statement: OpaquePointer
    private let database: RawDatabase

    /// Tells SQLite to copy bound text, as GRDB does.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    fileprivate init(statement: OpaquePointer, database: RawDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit {
        sqlite3_finalize(statement)
    }

    /// Binds `value` (nil as NULL) to the 1-based parameter `index`.
    func bind(_ value: String?, at index: Int32) {
        if let value {
            sqlite3_bind_text(statement, index, value, -1, Self.transient)
        } else {
            sqlite3_bind_null(statement, index)
        }
    }

    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(statement, index, value)
    }

    /// Steps until the statement is done, returning how many rows it produced, then resets it.
    @discardableResult
    func run() throws -> Int {
        var rows = 0
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: rows += 1
            case SQLITE_DONE:
                sqlite3_reset(statement)
                return rows
            default:
                let message = database.errorMessage
                sqlite3_reset(statement)
                throw BenchError("\(database.path): \(message)")
            }
        }
    }
}
