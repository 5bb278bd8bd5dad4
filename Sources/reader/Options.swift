import ArgumentParser
import Foundation
import ReaderStore

/// Where the database is; every command takes it.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file.", valueName: "path"))
    var db: String?

    /// --db, else $READER_DB, else $XDG_DATA_HOME/reader/reader.sqlite, else ~/.local/share/reader/reader.sqlite.
    var path: String {
        let environment = ProcessInfo.processInfo.environment
        if let db { return db }
        if let path = environment["READER_DB"], !path.isEmpty { return path }
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return data + "/reader/reader.sqlite" }
        return NSHomeDirectory() + "/.local/share/reader/reader.sqlite"
    }

    /// An empty `--db` names no file; refused before anything is opened.
    func validate() throws {
        if db?.isEmpty == true { throw ValidationError("--db needs a path; an empty one names no file") }
    }

    /// Opens the store. The folder of a path the person chose (`--db`, `$READER_DB`) must
    /// exist: a typo should not leave folders behind. The default path's folder is made.
    func open() throws -> ReaderStore {
        let environment = ProcessInfo.processInfo.environment
        let chosen = db != nil || environment["READER_DB"]?.isEmpty == false
        return try ReaderStore(path: path, createFolder: !chosen)
    }
}

/// For commands that list or show: `--json` prints one JSON document instead of text.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON document (snake_case fields) instead of text.")
    var json = false
}
