import ArgumentParser
import Testing

@testable import reader

/// The command tree, read in process.
@Suite struct CommandNamesTests {
    /// ArgumentParser names a command that does not name itself after its type, at every start:
    /// `String(describing:)` of the type, whose failed protocol-conformance look-ups each scan
    /// every conformance record of the binary. Seven unnamed nested commands cost 11 million of
    /// the 62 million instructions a `reader status` ran (callgrind, static build, 2026-12-03).
    @Test func everyCommandNamesItself() {
        var unnamed: [String] = []
        var visited = 0
        func visit(_ command: any ParsableCommand.Type, path: String) {
            visited += 1
            if command.configuration.commandName == nil { unnamed.append("\(path) > \(command)") }
            for subcommand in command.configuration.subcommands {
                visit(subcommand, path: path + " " + (subcommand.configuration.commandName ?? "?"))
            }
        }
        visit(Reader.self, path: "reader")
        #expect(unnamed.isEmpty, "commands without a commandName: \(unnamed)")
        #expect(visited > 25)
    }
}
