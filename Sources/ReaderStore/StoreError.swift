import Foundation
import GRDB

/// What went wrong in the store, worded for the person using the app.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case articleNotFound(String)
    case noteNotFound(String)
    /// No feed (a subscription, or a source articles came from) has this id or URL.
    case feedNotFound(String)
    /// A short id matched more than one article or note.
    case ambiguousID(String, matches: [String])
    /// The passage given for a note's anchor is not in the article's text.
    case quoteNotFound(quote: String, articleID: String)
    case invalidValue(String)
    /// A note would have neither text nor a quoted passage; `noteID` names the note an
    /// edit would have emptied (nil for a new note). Nothing was saved.
    case emptyNote(noteID: String?)
    /// A text, a tag list or an id over its limit in `WireLimits`: `what` names it
    /// ("the note's text"), `bytes` is its size and `limit` the most allowed.
    case tooLong(what: String, bytes: Int, limit: Int)
    case invalidSearch(String)
    /// The database could not be opened or written: locked, full, corrupt, unreadable.
    case database(String)
    /// A stored value this version does not know, such as a source kind or an outbox
    /// operation: the file was written by a newer version, or damaged. Nothing is guessed.
    case unknownStoredValue(table: String, column: String, value: String)

    public var description: String {
        switch self {
        case .articleNotFound(let id): "no article with id \(id)"
        case .noteNotFound(let id): "no note with id \(id)"
        case .feedNotFound(let id): "no feed with id or URL \(id)"
        case .ambiguousID(let id, let matches):
            "id \(id) is ambiguous: it matches \(matches.prefix(5).joined(separator: ", "))\(matches.count > 5 ? ", …" : "")"
        case .quoteNotFound(let quote, let articleID):
            "the passage \u{201C}\(quote.count > 60 ? String(quote.prefix(60)) + "…" : quote)\u{201D} is not in article \(articleID)"
        case .invalidValue(let reason): reason
        case .emptyNote(let noteID?):
            "note \(noteID) would have neither text nor a quoted passage; nothing was saved"
        case .emptyNote(nil):
            "a note needs text or a quoted passage; nothing was saved"
        case .tooLong(let what, let bytes, let limit):
            "\(what) is \(bytes) bytes, over the limit of \(limit) bytes; nothing was saved"
        case .invalidSearch(let reason): "invalid search: \(reason)"
        case .database(let reason): reason
        case .unknownStoredValue(let table, let column, let value):
            "the database holds \u{201C}\(value)\u{201D} in \(table).\(column), which this version does not know; the file was written by a newer version or is damaged"
        }
    }

    /// Turns a GRDB or SQLite failure into a sentence a person can act on.
    static func wrap(_ error: any Error, path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        // GRDB interrupts the statement of a cancelled task's async read or write.
        case .SQLITE_INTERRUPT: return CancellationError()
        case .SQLITE_FULL: return StoreError.database("the disk holding \(path) is full; nothing was written")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError.database("the database \(path) is busy in another process; try again")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return StoreError.database("\(path) is not a reader database or is damaged")
        case .SQLITE_CANTOPEN: return StoreError.database("cannot open the database \(path)")
        case .SQLITE_READONLY: return StoreError.database("the database \(path) is read-only")
        case .SQLITE_IOERR: return StoreError.database("input/output error on \(path); nothing was written")
        default: return StoreError.database("database error on \(path): \(error.message ?? "code \(error.resultCode.rawValue)")")
        }
    }
}
