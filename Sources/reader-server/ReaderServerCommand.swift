import ArgumentParser
import Foundation
import ReaderFeeds
import ReaderServer

/// `reader-server`: the reference sync server and its administration.
struct ReaderServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reader-server",
        abstract: "The reference sync server for reader clients.",
        discussion: "Exit codes: 0 success, 1 failure (the line on stderr says why), 2 usage.",
        version: ServerVersion.current,
        subcommands: [ServeCommand.self, UsersCommand.self, ArticlesCommand.self, FeedsCommand.self]
    )

    /// Runs the command line; every failure ends as one `reader-server: …` line on stderr.
    static func start() async {
        do {
            let arguments = try EnvironmentDefaults.apply(
                to: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment
            )
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exitCleanly(error)
        }
    }

    static func exitCleanly(_ error: any Error) -> Never {
        if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
        if let message = failureMessage(error) {
            fail(message)
            Foundation.exit(1)
        }
        let code = exitCode(for: error)
        if code == .success {
            print(fullMessage(for: error))
            Foundation.exit(0)
        }
        fail(message(for: error))
        Foundation.exit(code == .validationFailure ? 2 : 1)
    }

    /// One line for a failure of the server's own; nil for argument errors.
    static func failureMessage(_ error: any Error) -> String? {
        switch error {
        case let error as RepositoryError: error.message + advice(on: error.subject)
        case let error as FeedImportError: error.description
        case let error as ServerError: error.message
        default: nil
        }
    }

    /// What the command line adds to a library failure: the subcommand or option that helps.
    static func advice(on subject: RepositoryError.Subject?) -> String {
        switch subject {
        case .unknownUser?: " (see `reader-server users list`)"
        case .notSubscribed?: " (see `reader-server feeds list`)"
        case .importWithoutUser?: ": name one with --user NAME"
        case nil: ""
        }
    }

    /// Writes `reader-server: MESSAGE` as one line on standard error.
    static func fail(_ message: String) {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("reader-server: \(line)\n".utf8))
    }
}
