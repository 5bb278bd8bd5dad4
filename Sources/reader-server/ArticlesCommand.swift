import ArgumentParser

/// `reader-server articles import`.
struct ArticlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articles",
        abstract: "Manage the articles in users' libraries.",
        subcommands: [ArticlesImportCommand.self]
    )
}
