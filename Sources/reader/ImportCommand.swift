import ArgumentParser
import Foundation
import ReaderModels
import ReaderStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import RSS 2.0, Atom 1.0, JSON Feed 1.1 or plain-text article bundle files.",
        discussion: "Each file is imported whole or not at all; entries with no title, text or link are skipped and counted, and an import that stores nothing says why. Importing a file again changes nothing; changed articles are updated in place."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp(
            "The URL the files were fetched from: relative links resolve against it, and it identifies a feed that names no URL of its own.",
            valueName: "url"
        )
    )
    var baseURL: String?

    @Argument(help: ArgumentHelp("Files to import.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to import") }
        if let baseURL {
            let url = URL(string: baseURL)
            guard let scheme = url?.scheme?.lowercased(), scheme == "http" || scheme == "https", url?.host?.isEmpty == false else {
                throw ValidationError("--base-url must be an absolute http or https URL, such as https://example.org/feed.xml")
            }
        }
    }

    func run() throws {
        let store = try store.open()
        var reports: [ImportReport] = []
        var failures: [String] = []
        // One bad file does not stop the others; each is its own transaction.
        for file in files {
            do {
                let report = try store.importFile(at: file, baseURL: baseURL)
                reports.append(report)
                if !output.json { print(Self.line(for: report)) }
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

    /// `feed.xml: 2 new, 0 updated, 0 unchanged, 1 skipped (line 14: item has no title, text or link) (rss)`,
    /// and, when nothing was stored, why.
    static func line(for report: ImportReport) -> String {
        var line = "\(report.file): \(report.new) new, \(report.updated) updated, \(report.unchanged) unchanged"
        if report.duplicates > 0 { line += ", \(report.duplicates) skipped (guid repeated in the file)" }
        for group in report.skipped {
            let at = group.firstLine.map { group.count == 1 ? "line \($0): " : "the first at line \($0): " } ?? ""
            line += ", \(group.count) skipped (\(at)\(group.detail))"
        }
        if let format = report.format { line += " (\(format.rawValue))" }
        if let why = report.nothingStored { line += "\n\(report.file): nothing stored: \(why)" }
        return line
    }

    struct ImportResult: Encodable {
        var imported: [ImportReport]
        var failed: [String]
    }
}
