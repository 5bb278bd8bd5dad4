import ArgumentParser
import ReaderServer

/// `reader-server feeds add USER URL --db PATH` (or `--database postgres://…`): fetches the feed once, then subscribes.
struct FeedsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Subscribe a user to a feed and fetch it once.",
        discussion: """
            URL is an RSS, Atom or JSON feed, or a web page that links to one with \
            <link rel="alternate">, in which case the feed it names is subscribed to. A URL \
            without a scheme gets https://. Nothing is subscribed when the feed cannot be fetched.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var fetching: FetchOptions

    @Argument(help: "The user's name.")
    var user: String

    @Argument(help: ArgumentHelp("The feed's or the site's address.", valueName: "url"))
    var url: String

    @Option(help: ArgumentHelp("The longest the fetch may take, in seconds.", valueName: "seconds"))
    var timeout = 30

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be 1 or more") }
    }

    func run() async throws {
        let report = try await database.withFeedRepository { repository in
            let aggregator = try FeedAggregator(
                repository: repository, timeLimit: .seconds(timeout), allowPrivateNetworks: fetching.allowPrivateNetworks
            )
            return try await aggregator.add(user: user, url: url)
        }
        if let page = report.discoveredFrom { print("found the feed \(report.url) in \(page)") }
        let verb = report.alreadySubscribed ? "already subscribed to" : "subscribed to"
        let title = report.title.map { "\($0) <\(report.url)>" } ?? report.url
        print("\(user) \(verb) \(title): \(report.new) new, \(report.updated) updated articles")
    }
}
