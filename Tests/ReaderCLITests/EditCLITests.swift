import Foundation
import Testing

/// `reader tag`, `untag`, `progress`, `mark read --all` and the `--tag` / `--feed` filters of
/// `articles list`, offline: what each writes, that it goes to the outbox, and that a bad
/// id, feed, tag, number or date is one line on stderr, a documented exit code and nothing
/// changed. (Their sync is shown in ReaderSyncTests' CLIEditSyncTests.)
@Suite struct EditCLITests {
    static let ferry = "Night ferry returns after a two-year pause"
    static let geese = "The first geese of the season"
    static let lighthouse = "Lighthouse keepers return to Gull Rock"
    static let gazetteURL = "https://gazette.example/feed.xml"

    /// The articles listed with `--json` (ids, in list order).
    static func listed(_ cli: CLI, _ arguments: [String]) async throws -> [String] {
        let articles = try await cli.json(["articles", "list", "--limit", "100"] + arguments)["articles"] as? [[String: Any]]
        return articles?.compactMap { $0["id"] as? String } ?? ["not a list"]
    }

    /// One article as `articles show --json` prints it.
    static func article(_ cli: CLI, _ id: String) async throws -> [String: Any] {
        try await cli.json(["articles", "show", id])["article"] as? [String: Any] ?? [:]
    }

    static func pending(_ cli: CLI) async throws -> Int {
        try await cli.json(["status"])["pending_mutations"] as? Int ?? -1
    }

    /// Everything a failed command must leave as it was: the user's state and the outbox.
    static func snapshot(_ cli: CLI) async throws -> Data {
        let export = try await cli.run(["export", "--format", "json"]).stdoutData
        let outbox = try await cli.run(["status", "--json"]).stdoutData
        return export + outbox
    }

    @Test func tagAndUntagEditTheTagsAndTheListFiltersByThem() async throws {
        let cli = try CLI()
        let articles = try await ReaderCLITests.importedSamples(cli)
        let ferry = ReaderCLITests.id(articles, titled: Self.ferry)
        let geese = ReaderCLITests.id(articles, titled: Self.geese)

        let tagged = try await cli.run(["tag", String(ferry.prefix(6)), "harbour", "to read", " harbour "])
        #expect(tagged.status == 0, "\(tagged.stderr)")
        #expect(tagged.stdout == "tagged \(ferry.prefix(8)); tags: harbour, to read\n")
        #expect(try await cli.run(["tag", geese, "to read"]).status == 0)
        #expect(try await Self.pending(cli) == 2)
        #expect(Set(try await Self.listed(cli, ["--tag", "to read"])) == [ferry, geese])
        #expect(try await Self.listed(cli, ["--tag", "harbour"]) == [ferry])
        #expect(try await Self.listed(cli, ["--tag", "Harbour"]).isEmpty, "tags keep their case")

        // Adding what is there already, or removing what is not, changes nothing and queues nothing.
        let again = try await cli.run(["tag", ferry, "harbour"])
        #expect(again.stdout == "\(ferry.prefix(8)) unchanged; tags: harbour, to read\n")
        #expect(try await cli.run(["untag", ferry, "never-there"]).stdout.contains("unchanged"))
        #expect(try await Self.pending(cli) == 2)

        let untagged = try await cli.run(["untag", ferry, "to read"])
        #expect(untagged.stdout == "untagged \(ferry.prefix(8)); tags: harbour\n", "\(untagged.stderr)")
        #expect(try await Self.listed(cli, ["--tag", "to read"]) == [geese])
        let state = try await Self.article(cli, ferry)["state"] as? [String: Any]
        #expect(state?["tags"] as? [String] == ["harbour"])

        // The tag filter combines with the others.
        #expect(try await cli.run(["mark", "read", geese]).status == 0)
        #expect(try await Self.listed(cli, ["--tag", "to read", "--unread"]).isEmpty)
        #expect(try await Self.listed(cli, ["--tag", "harbour", "--unread"]) == [ferry])
        #expect(try await cli.run(["untag", ferry, "harbour"]).stdout == "untagged \(ferry.prefix(8)); no tags\n")
        #expect(try await Self.listed(cli, ["--tag", "harbour"]).isEmpty)
        let text = try await cli.run(["articles", "list", "--tag", "nothing-tagged-so"])
        #expect(text.stdout == "no articles\n")
    }

    @Test func theListFiltersByFeedIDPrefixOrURL() async throws {
        let cli = try CLI()
        let articles = try await ReaderCLITests.importedSamples(cli)
        let ferry = ReaderCLITests.id(articles, titled: Self.ferry)
        let gazette = try #require(try await Self.article(cli, ferry)["source_id"] as? String)
        let gazetteArticles = articles.filter { $0["source_title"] as? String == "The Harbour Gazette" }.compactMap { $0["id"] as? String }
        #expect(gazetteArticles.count == 4)
        #expect(try await Self.listed(cli, ["--feed", gazette]) == gazetteArticles)
        #expect(try await Self.listed(cli, ["--feed", String(gazette.prefix(5)).uppercased()]) == gazetteArticles)
        #expect(try await Self.listed(cli, ["--feed", Self.gazetteURL]) == gazetteArticles)
        // `articles show` names the feed by the id --feed takes.
        #expect(try await cli.run(["articles", "show", ferry]).stdout.contains("source:    The Harbour Gazette (feed \(gazette.prefix(8)))"))

        #expect(try await cli.run(["mark", "read", ferry]).status == 0)
        #expect(try await Self.listed(cli, ["--feed", gazette, "--unread"]) == gazetteArticles.filter { $0 != ferry })
        #expect(try await Self.listed(cli, ["--feed", gazette, "--unread", "--limit", "1"]) == [gazetteArticles.filter { $0 != ferry }[0]])
        #expect(try await cli.run(["tag", ferry, "boats"]).status == 0)
        #expect(try await Self.listed(cli, ["--feed", gazette, "--tag", "boats"]) == [ferry])
        let digest = try #require(articles.first { $0["source_title"] as? String == "Town Weekly" }?["id"] as? String)
        let town = try #require(try await Self.article(cli, digest)["source_id"] as? String)
        #expect(try await Self.listed(cli, ["--feed", town, "--tag", "boats"]).isEmpty)
    }

    @Test func progressSetsTheFractionReadAndRefusesAnythingElse() async throws {
        let cli = try CLI()
        let articles = try await ReaderCLITests.importedSamples(cli)
        let geese = ReaderCLITests.id(articles, titled: Self.geese)
        let set = try await cli.run(["progress", String(geese.prefix(4)), "0.25"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout == "\(geese.prefix(8)) is 25% read\n")
        #expect((try await Self.article(cli, geese)["state"] as? [String: Any])?["progress"] as? Double == 0.25)
        #expect(try await cli.run(["articles", "show", geese]).stdout.contains("state:     unread, 25% read"))
        #expect(try await cli.run(["progress", geese, "1"]).status == 0)
        #expect((try await Self.article(cli, geese)["state"] as? [String: Any])?["progress"] as? Double == 1)
        #expect(try await Self.pending(cli) == 1, "two settings of one field are one pending change")

        let before = try await Self.snapshot(cli)
        let refusals = [
            ("1.5", "reading progress must be between 0 and 1, not 1.5"),
            ("-0.5", "reading progress must be between 0 and 1, not -0.5"),
            ("half", "reading progress is a number from 0 to 1, such as 0.5, not \u{201C}half\u{201D}"),
            ("nan", "reading progress is a number from 0 to 1, such as 0.5, not \u{201C}nan\u{201D}"),
            ("50%", "reading progress is a number from 0 to 1, such as 0.5, not \u{201C}50%\u{201D}"),
        ]
        for (value, message) in refusals {
            let result = try await cli.run(["progress", geese, value])
            #expect(result.status == 7, "\(value): \(result.stderr)")
            #expect(result.stderr == "reader: \(message)\n", "\(value)")
            #expect(result.stdout.isEmpty)
        }
        #expect(try await Self.snapshot(cli) == before)
    }

    @Test func markAllReadMarksTheUnreadArticlesOfAFeedBeforeADate() async throws {
        let cli = try CLI()
        let articles = try await ReaderCLITests.importedSamples(cli)
        let ferry = ReaderCLITests.id(articles, titled: Self.ferry)
        let lighthouse = ReaderCLITests.id(articles, titled: Self.lighthouse)
        let gazette = articles.filter { $0["source_title"] as? String == "The Harbour Gazette" }
        let published = try #require(gazette.first { $0["id"] as? String == lighthouse }?["published_at"] as? String)
        let older = gazette.filter { ($0["published_at"] as? String ?? "") < published }.compactMap { $0["id"] as? String }
        #expect(older.count == 2)

        // Strictly before: the lighthouse article, published at that very instant, stays unread.
        let first = try await cli.run(["mark", "read", "--all", "--feed", Self.gazetteURL, "--before", published])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "marked 2 articles read\n")
        #expect(Set(try await Self.listed(cli, ["--feed", Self.gazetteURL, "--unread"])) == [ferry, lighthouse])
        #expect(try await Self.pending(cli) == 2, "one outbox row per article")

        // Articles already read are not marked again: only the lighthouse is before the ferry's day.
        let day = String(try #require(gazette.first { $0["id"] as? String == ferry }?["published_at"] as? String).prefix(10))
        let second = try await cli.run(["mark", "read", "--all", "--feed", Self.gazetteURL, "--before", day])
        #expect(second.stdout == "marked 1 article read\n", "\(second.stderr)")
        #expect(try await Self.listed(cli, ["--feed", Self.gazetteURL, "--unread"]) == [ferry])
        #expect(try await Self.pending(cli) == 3)

        // An RFC 3339 instant with an offset; then everything, across feeds.
        let unread = try await Self.listed(cli, ["--unread"])
        let withOffset = try await cli.run(["mark", "read", "--all", "--before", "1970-01-01T01:00:00+01:00"])
        #expect(withOffset.stdout == "marked 0 articles read\n", "\(withOffset.stderr)")
        let all = try await cli.run(["mark", "read", "--all"])
        #expect(all.stdout == "marked \(unread.count) articles read\n", "\(all.stderr)")
        #expect(try await Self.listed(cli, ["--unread"]).isEmpty)
        #expect(try await Self.pending(cli) == 3 + unread.count)
        #expect(try await cli.run(["mark", "read", "--all"]).stdout == "marked 0 articles read\n")
        #expect(try await Self.pending(cli) == 3 + unread.count)
    }

    @Test func theBeforeDateIsTheStartOfTheDayInUTCOrAnExactInstant() async throws {
        let cli = try CLI()
        let articles = try await ReaderCLITests.importedSamples(cli)
        let lighthouse = ReaderCLITests.id(articles, titled: Self.lighthouse)
        let published = try #require(articles.first { $0["id"] as? String == lighthouse }?["published_at"] as? String)
        let date = try #require(ISO8601DateFormatter().date(from: String(published.prefix(19)) + "Z"))
        // One second later, written in another zone: the lighthouse article is now before it.
        let later = ISO8601DateFormatter()
        later.timeZone = TimeZone(secondsFromGMT: -5 * 3600)
        let text = later.string(from: date.addingTimeInterval(1))
        #expect(text.hasSuffix("-05:00"), "\(text)")
        #expect(try await cli.run(["mark", "read", "--all", "--feed", Self.gazetteURL, "--before", text]).stdout == "marked 3 articles read\n")
        #expect(try await Self.listed(cli, ["--feed", Self.gazetteURL, "--unread"]).count == 1)
        // RFC 3339's other spellings: lower-case t and z, a space for the T, fractions of a second.
        for text in ["2000-01-01 00:00:00z", "2000-01-01t00:00:00.250+01:00"] {
            let result = try await cli.run(["mark", "read", "--all", "--before", text])
            #expect(result.stdout == "marked 0 articles read\n", "\(text): \(result.stderr)")
        }
    }

    @Test func unknownIDsAndFeedsExitSixAndChangeNothing() async throws {
        let cli = try CLI()
        let articles = try await ReaderCLITests.importedSamples(cli)
        let ferry = ReaderCLITests.id(articles, titled: Self.ferry)
        let before = try await Self.snapshot(cli)
        let cases: [([String], String)] = [
            (["tag", "feedface", "x"], "no article with id feedface"),
            (["untag", "feedface", "x"], "no article with id feedface"),
            (["progress", "feedface", "0.5"], "no article with id feedface"),
            (["mark", "read", "--all", "--feed", "feedface"], "no feed with id or URL feedface"),
            (["mark", "read", "--all", "--feed", "https://nowhere.example/feed.xml", "--before", "2026-01-01"],
             "no feed with id or URL https://nowhere.example/feed.xml"),
            (["articles", "list", "--feed", "feedface"], "no feed with id or URL feedface"),
            (["articles", "list", "--feed", "ab"], "no feed with id or URL ab"),
        ]
        for (arguments, message) in cases {
            let result = try await cli.run(arguments)
            #expect(result.status == 6, "\(arguments): \(result.stderr)")
            #expect(result.stderr == "reader: \(message)\n", "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        #expect(try await Self.snapshot(cli) == before)
        #expect(try await cli.run(["tag", ferry, "kept"]).status == 0, "the database is still usable")
    }

    @Test func tagsOverTheLimitsAndBadDatesExitSevenAndChangeNothing() async throws {
        let cli = try CLI()
        let articles = try await ReaderCLITests.importedSamples(cli)
        let ferry = ReaderCLITests.id(articles, titled: Self.ferry)
        // 30 tags already: 3 more would be 33, over the 32 a synced article may have.
        let thirty = (1...30).map { "t\($0)" }
        #expect(try await cli.run(["tag", ferry] + thirty).status == 0)
        let before = try await Self.snapshot(cli)
        let long = String(repeating: "é", count: 33)
        let cases: [([String], String)] = [
            (["tag", ferry, "a", "b", "c"], "an article can have at most 32 tags; article \(ferry) has 30, and this would give it 33"),
            (["tag", ferry] + (1...33).map { "n\($0)" }, "at most 32 tags, not 33"),
            (["tag", ferry, long], "the tag \u{201C}\(long.prefix(40))\u{201D} is 66 bytes, over the limit of 64 bytes; nothing was saved"),
            (["untag", ferry, long], "the tag \u{201C}\(long.prefix(40))\u{201D} is 66 bytes, over the limit of 64 bytes; nothing was saved"),
            (["tag", ferry, "ok", "  "], "a tag cannot be empty"),
            (["tag", ferry, "bell\u{7}"], "a tag cannot hold control characters"),
            (["mark", "read", "--all", "--before", "yesterday"], "--before takes a date as YYYY-MM-DD or RFC 3339 (2026-11-30T09:00:00Z), not \u{201C}yesterday\u{201D}"),
            (["mark", "read", "--all", "--before", "2026-02-30"], "--before takes a date as YYYY-MM-DD or RFC 3339 (2026-11-30T09:00:00Z), not \u{201C}2026-02-30\u{201D}"),
            (["mark", "read", "--all", "--before", "2026-11-30T25:00:00Z"], "--before takes a date as YYYY-MM-DD or RFC 3339 (2026-11-30T09:00:00Z), not \u{201C}2026-11-30T25:00:00Z\u{201D}"),
            (["mark", "read", "--all", "--before", "2026-11-30T09:00:00"], "--before takes a date as YYYY-MM-DD or RFC 3339 (2026-11-30T09:00:00Z), not \u{201C}2026-11-30T09:00:00\u{201D}"),
            (["mark", "read", "--all", "--before", "30/11/2026"], "--before takes a date as YYYY-MM-DD or RFC 3339 (2026-11-30T09:00:00Z), not \u{201C}30/11/2026\u{201D}"),
        ]
        for (arguments, message) in cases {
            let result = try await cli.run(arguments)
            #expect(result.status == 7, "\(arguments): \(result.stderr)")
            #expect(result.stderr == "reader: \(message)\n", "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        #expect(try await Self.snapshot(cli) == before)
        // Two more fit, exactly at the limit.
        #expect(try await cli.run(["tag", ferry, "a", "b"]).status == 0)
    }

    @Test func misusedOptionsAreUsageErrors() async throws {
        let cli = try CLI()
        _ = try await ReaderCLITests.importedSamples(cli)
        for arguments in [
            ["mark", "star", "--all"], ["mark", "read", "--all", "feedface"], ["mark", "read", "--feed", "x", "feedface"],
            ["mark", "read"], ["tag", "feedface"], ["untag", "feedface"], ["progress", "feedface"], ["progress", "feedface", "0.1", "0.2"],
        ] {
            let result = try await cli.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
        #expect(try await Self.pending(cli) == 0)
    }
}
