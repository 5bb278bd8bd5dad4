import Foundation
import Testing

/// The CLI's command declarations, read from its sources.
@Suite struct CommandNamesTests {
    /// ArgumentParser names a command that does not name itself after its type, at every start:
    /// `String(describing:)` of the type, whose failed protocol-conformance look-ups each scan
    /// every conformance record of the binary. Seven unnamed nested commands cost 11 million of
    /// the 62 million instructions a `reader status` ran (callgrind, static build, 2026-12-03).
    /// `commandName` is `CommandConfiguration`'s first parameter, so a configuration names its
    /// command exactly when its first argument is `commandName:`.
    @Test func everyCommandNamesItself() throws {
        let folder = CLI.root.appendingPathComponent("Sources/reader")
        var commands = 0, configurations = 0
        var unnamed: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            commands += source.matches(of: /struct \w+: (Async)?ParsableCommand\b/).count
            for match in source.matches(of: /CommandConfiguration\(\s*(\w+)/) {
                configurations += 1
                if match.output.1 != "commandName" {
                    let line = source[..<match.range.lowerBound].filter { $0 == "\n" }.count + 1
                    unnamed.append("\(file):\(line)")
                }
            }
        }
        #expect(commands > 25)
        #expect(configurations == commands, "every command declares a configuration")
        #expect(unnamed.isEmpty, "configurations without a commandName: \(unnamed)")
    }
}
