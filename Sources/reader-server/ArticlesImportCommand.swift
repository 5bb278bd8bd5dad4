import ArgumentParser
import ReaderServer

/// `reader-server articles import --db PATH FILE...`: RSS, Atom, JSON Feed or plain-text
/// bundles, through the client's importers.
struct ArticlesImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import feed or bundle files as articles every user sees.",
        discussion: """
            Each file is one transaction. An article imported again with the same content changes \
            nothing; with changed content it is updated and moves forward in the change feed.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Files to import.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to import") }
    }

    func run() async throws {
        let repository = try SQLiteSyncRepository(path: database.db)
        var failed = false
        // One bad file does not stop the others.
        for file in files {
            do {
                let report = try await repository.importFile(at: file)
                print("\(file): \(report.new) new, \(report.updated) updated, \(report.unchanged) unchanged (\(report.format))")
            } catch {
                ReaderServerCommand.fail(ReaderServerCommand.failureMessage(error) ?? "\(error)")
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }
}
