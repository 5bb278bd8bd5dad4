import ArgumentParser
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the whole user state: articles' ids and hashes, states, notes, subscriptions.",
        discussion: "The output is canonical and sorted: two databases holding the same state export identical bytes."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case json }

    @OptionGroup var store: StoreOptions
    @Option(help: "Output format: json.") var format: Format = .json

    func run() throws {
        FileHandle.standardOutput.write(try store.open().exportUserState().canonicalJSON())
    }
}
