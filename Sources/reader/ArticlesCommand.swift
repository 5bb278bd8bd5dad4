import ArgumentParser
import ReaderModels
import ReaderStore

struct ArticlesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articles",
        abstract: "List and show articles.",
        subcommands: [List.self, Show.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List articles, newest first."
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Only articles not yet read.") var unread = false
        @Flag(help: "Only starred articles.") var starred = false
        @Option(help: ArgumentHelp("Only articles with this tag.", valueName: "tag")) var tag: String?
        @Option(help: ArgumentHelp("Only this feed's articles: its id (from `reader feeds list`) or URL.", valueName: "id"))
        var feed: String?
        @Option(help: "At most this many articles.") var limit = 50

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            let store = try store.open()
            let feedID = try feed.map(store.resolveFeedID)
            let articles = try store.articles(
                ArticleFilter(unreadOnly: unread, starredOnly: starred, sourceID: feedID, tag: tag, limit: limit)
            )
            if output.json { return try Output.json(["articles": articles]) }
            if articles.isEmpty { return print("no articles") }
            for article in articles {
                let marks = (article.state.starred ? "★" : " ") + (article.state.read ? " " : "•")
                print("\(Output.short(article.id))  \(Output.day(article.publishedAt))  \(marks)  \(Output.fit(article.title, 60))  \(article.sourceTitle)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show an article with its notes."
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The article's id (or a unique prefix of 4+ characters).") var id: String

        func run() throws {
            let store = try store.open()
            let id = try store.resolveArticleID(id)
            let article = try store.article(id: id)
            let notes = try store.notes(articleID: id)
            if output.json { return try Output.json(ShownArticle(article: article, notes: notes)) }
            print(article.title)
            print(String(repeating: "=", count: min(article.title.count, 72)))
            print("id:        \(article.id)")
            print("source:    \(article.sourceTitle) (feed \(Output.short(article.sourceID)))")
            if let author = article.author { print("author:    \(author)") }
            if let published = article.publishedAt { print("published: \(Timestamp.format(published))") }
            if let url = article.url { print("url:       \(url.absoluteString)") }
            let state = article.state
            var flags = [state.read ? "read" : "unread"]
            if state.starred { flags.append("starred") }
            if state.progress > 0 { flags.append("\(Int((state.progress * 100).rounded()))% read") }
            if !state.tags.isEmpty { flags.append("tags: " + state.tags.joined(separator: ", ")) }
            print("state:     \(flags.joined(separator: ", "))")
            if let summary = article.summary, !summary.isEmpty { print("\n\(summary)") }
            print("\n\(article.text)")
            for note in notes {
                print("\n--- note \(Output.short(note.id))\(note.conflicted ? " (conflicted)" : "")")
                if let anchor = note.anchor { print("> \(anchor.exact)") }
                if !note.body.isEmpty { print(note.body) }
            }
        }
    }

    struct ShownArticle: Encodable {
        var article: Article
        var notes: [Note]
    }
}
