import ArgumentParser
import ReaderFetch
import ReaderSync

struct RefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Fetch every subscribed feed and store its new and updated articles.",
        discussion: """
            Feeds are fetched several at a time; a feed that has not changed costs one \
            conditional request. A feed that fails is marked in error (see `reader feeds list`) \
            and is tried again after a growing pause (15 min, 30 min, ... up to a day) unless \
            --force is given; it never stops the others. Prints one summary line.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Also fetch feeds that are backing off after failures.")
    var force = false

    @Option(name: .long, help: ArgumentHelp("How many feeds to fetch at once.", valueName: "n"))
    var jobs = FeedFetcher.defaultConcurrency

    @Option(name: .long, help: ArgumentHelp("The longest one feed may take, in seconds.", valueName: "seconds"))
    var timeout = 30

    func validate() throws {
        if jobs < 1 || jobs > 64 { throw ValidationError("--jobs must be between 1 and 64") }
        if timeout < 1 { throw ValidationError("--timeout must be at least 1 second") }
    }

    func run() async throws {
        let refresher = try FeedRefresher.make(store: store.open(), timeLimit: .seconds(timeout), maxConcurrent: jobs)
        let summary = try await ProgressBar.refresh(refresher, force: force, drawing: Output.isTerminal && !output.json)
        if output.json { return try Output.json(summary) }
        print(summary.line)
    }
}
