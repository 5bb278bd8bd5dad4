import ArgumentParser
import ReaderServer

/// `reader-server articles import --db PATH (or --database postgres://…) --user NAME [--user NAME...] FILE...`: RSS,
/// Atom, JSON Feed or plain-text bundles, through the client's importers, into the named
/// users' libraries.
struct ArticlesImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import feed or bundle files into users' libraries.",
        discussion: """
            The articles go to the devices of the users named with --user (at least one), who keep \
            them whatever they subscribe to; no other user sees them. Each file is one transaction. \
            An article imported again with the same content changes nothing; with changed content \
            it is updated and moves forward in the change feed.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("user"), help: ArgumentHelp("A user whose library the files go into; repeat for more.", valueName: "name"))
    var users: [String] = []

    @Argument(help: ArgumentHelp("Files to import.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if users.isEmpty {
            throw ValidationError("name the user whose library the files go into with --user NAME (repeat it for more users)")
        }
        if files.isEmpty { throw ValidationError("name at least one file to import") }
    }

    func run() async throws {
        let failed = try await database.withFeedRepository { repository in await importFiles(into: repository) }
        if failed { throw ExitCode.failure }
    }

    /// Imports each file in a transaction of its own; true when one failed.
    private func importFiles(into repository: any SyncRepository) async -> Bool {
        var failed = false
        // One bad file does not stop the others.
        for file in files {
            do {
                let report = try await repository.importFile(at: file, for: users)
                var line = "\(file): \(report.new) new, \(report.updated) updated, \(report.unchanged) unchanged"
                for group in report.skipped { line += ", \(group.count) skipped (\(group.detail))" }
                print(line + (report.format.map { " (\($0.rawValue))" } ?? ""))
                if let why = report.nothingStored { print("\(file): nothing stored: \(why)") }
            } catch {
                ReaderServerCommand.fail(ReaderServerCommand.failureMessage(error) ?? "\(error)")
                failed = true
            }
        }
        return failed
    }
}
