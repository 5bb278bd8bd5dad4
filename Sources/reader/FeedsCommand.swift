import ArgumentParser
import Foundation
import ReaderFeeds
import ReaderFetch
import ReaderModels
import ReaderStore
import ReaderSync

struct FeedsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds",
        abstract: "Subscribe to feeds, list them with their fetch status, and import or export OPML.",
        subcommands: [Add.self, List.self, Remove.self, Import.self, Export.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Subscribe to a feed and fetch it once.",
            discussion: """
                URL is an RSS, Atom or JSON feed, or a web page that links to one with \
                <link rel="alternate">, in which case the feed it names is subscribed to. A URL \
                without a scheme gets https://. Nothing is subscribed when the feed cannot be fetched.
                Exit codes: 3 network trouble (try later), 4 access refused, 5 other HTTP error or a \
                redirect that leads nowhere (a loop, too many, or to a non-http address), 7 not a feed.
                """
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: ArgumentHelp("The feed's or the site's address.", valueName: "url"))
        var url: String

        @Option(name: .long, help: ArgumentHelp("A tag for the feed (repeatable).", valueName: "tag"))
        var tag: [String] = []

        @Option(name: .long, help: ArgumentHelp("The longest the fetch may take, in seconds.", valueName: "seconds"))
        var timeout = 30

        func run() async throws {
            guard let address = FeedAddress.url(url) else {
                throw StoreError.invalidValue("\"\(url)\" is not a valid http or https address")
            }
            let refresher = try FeedRefresher.make(store: store.open(), timeLimit: .seconds(max(1, timeout)))
            let added: FeedAddResult
            do {
                added = try await refresher.add(address, tags: tag)
            } catch let error as FeedFetchError {
                Output.error("\(error.description) Not subscribed.")
                throw ExitCode(error.exitCode)
            }
            if output.json { return try Output.json(added) }
            if let page = added.discoveredFrom { print("found the feed \(added.url.absoluteString) from \(page.absoluteString)") }
            let verb = added.alreadySubscribed ? "already subscribed to" : "subscribed to"
            print("\(verb) \(added.title ?? added.url.absoluteString) [\(Output.short(added.id))]: \(added.new) new, \(added.updated) updated articles")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "The subscribed feeds with their last fetch, status and error."
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let feeds = try store.open().feedSubscriptions()
            if output.json { return try Output.json(["feeds": feeds.map(FeedRow.init)]) }
            if feeds.isEmpty { return print("no feeds: add one with `reader feeds add URL`") }
            for feed in feeds {
                let state = feed.state
                let status: String
                if state.lastFetchAt == nil {
                    status = "new"
                } else if state.lastError != nil {
                    status = state.consecutiveFailures > 1 ? "error x\(state.consecutiveFailures)" : "error"
                } else {
                    status = "ok \(state.lastStatus.map(String.init) ?? "")"
                }
                let fetched = state.lastFetchAt.map { String(Timestamp.format($0).prefix(16)).replacingOccurrences(of: "T", with: " ") }
                    ?? "never"
                let title = feed.title ?? state.title ?? feed.url
                let tags = feed.tags.isEmpty ? "" : "  [\(feed.tags.joined(separator: ", "))]"
                print("\(Output.short(feed.id))  \(Output.fit(status, 10))  \(Output.fit(fetched, 16))  \(title)  <\(feed.url)>\(tags)")
                if let error = state.lastError { print("          \(error)") }
            }
        }

        struct FeedRow: Encodable {
            var id: String
            var url: String
            var title: String?
            var siteURL: String?
            var tags: [String]
            var lastFetchAt: String?
            var lastStatus: Int?
            var lastError: String?
            var consecutiveFailures: Int
            var nextFetchAt: String?

            init(_ feed: FeedSubscription) {
                id = feed.id
                url = feed.url
                title = feed.title ?? feed.state.title
                siteURL = feed.state.siteURL
                tags = feed.tags
                lastFetchAt = feed.state.lastFetchAt.map(Timestamp.format)
                lastStatus = feed.state.lastStatus
                lastError = feed.state.lastError
                consecutiveFailures = feed.state.consecutiveFailures
                nextFetchAt = feed.state.nextFetchAt.map(Timestamp.format)
            }

            enum CodingKeys: String, CodingKey {
                case id, url, title, tags
                case siteURL = "site_url", lastFetchAt = "last_fetch_at", lastStatus = "last_status"
                case lastError = "last_error", consecutiveFailures = "consecutive_failures", nextFetchAt = "next_fetch_at"
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract: "Unsubscribe from a feed, named by its id (or a 4+ character prefix) or its URL.",
            discussion: "Its articles, their state and notes are kept."
        )

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The feed's id or URL.", valueName: "id-or-url"))
        var feed: String

        func run() throws {
            let store = try store.open()
            guard let found = try store.feedSubscription(named: feed) else {
                Output.error("no subscribed feed with id or URL \(feed) (see `reader feeds list`)")
                throw ExitCode(ReaderExit.Code.notFound.rawValue)
            }
            try store.unsubscribeFeed(url: found.url)
            print("unsubscribed from \(found.title ?? found.url); its articles are kept")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Subscribe to the feeds of an OPML 1.0 or 2.0 file; folders become tags.",
            discussion: "Feeds already subscribed keep their title and gain the file's tags. Run `reader refresh` to fetch them."
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: ArgumentHelp("The OPML file.", valueName: "file"))
        var file: String

        func run() throws {
            let feeds = try OPML.read(path: file)
            let store = try store.open()
            let existing = Dictionary(try store.feedSubscriptions().map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
            var added = 0
            var skipped: [String] = []
            for feed in feeds {
                guard let url = FeedAddress.url(feed.url)?.absoluteString else {
                    skipped.append(feed.url)
                    continue
                }
                let old = existing[url]
                var tags = old?.tags ?? []
                for tag in feed.tags where !tags.contains(tag) { tags.append(tag) }
                try store.subscribeFeed(url: url, title: old?.title ?? feed.title, tags: tags)
                if old == nil { added += 1 }
            }
            for url in skipped { Output.error("\(file): skipped \"\(url)\": not an http or https address") }
            if output.json {
                return try Output.json(["added": added, "already_subscribed": feeds.count - added - skipped.count, "skipped": skipped.count])
            }
            print("\(file): \(added) feeds added, \(feeds.count - added - skipped.count) already subscribed; run `reader refresh` to fetch them")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print the subscriptions as OPML 2.0, tags as folders."
        )

        @OptionGroup var store: StoreOptions

        func run() throws {
            let feeds = try store.open().feedSubscriptions().map { feed in
                OPMLFeed(url: feed.url, title: feed.title ?? feed.state.title, siteURL: feed.state.siteURL, tags: feed.tags)
            }
            FileHandle.standardOutput.write(Data(OPML.export(feeds).utf8))
        }
    }
}
