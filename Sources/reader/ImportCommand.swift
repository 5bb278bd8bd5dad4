import ArgumentParser
import ReaderModels
import ReaderStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import RSS 2.0, Atom 1.0, JSON Feed 1.1 or plain-text article bundle files.",
        discussion: "Each file is imported whole or not at all. Importing a file again changes nothing; changed articles are updated in place."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("Files to import.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to import") }
    }

    func run() throws {
        let store = try store.open()
        var reports: [ImportReport] = []
        var failures: [String] = []
        // One bad file does not stop the others; each is its own transaction.
        for file in files {
            do {
                let report = try store.importFile(at: file)
                reports.append(report)
                if !output.json {
                    let skipped = report.duplicates > 0 ? ", \(report.duplicates) skipped (guid repeated in the file)" : ""
                    print("\(file): \(report.new) new, \(report.updated) updated, \(report.unchanged) unchanged\(skipped) (\(report.format))")
                }
            } catch {
                guard let exit = ReaderExit(error) else { throw error }
                if exit.code == .database { throw error }
                Output.error(exit.message)
                failures.append(file)
            }
        }
        if output.json { try Output.json(ImportResult(imported: reports, failed: failures)) }
        if !failures.isEmpty { throw ExitCode(ReaderExit.Code.invalidInput.rawValue) }
    }

    struct ImportResult: Encodable {
        var imported: [ImportReport]
        var failed: [String]
    }
}
