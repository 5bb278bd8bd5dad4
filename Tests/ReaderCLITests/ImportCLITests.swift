import Foundation
import Testing

/// `reader import` on the real-world feed shapes of issue 11: what is stored, what the report
/// says (skipped entries, why nothing was stored), `--base-url`, and that a second import
/// changes nothing.
@Suite struct ImportCLITests {
    /// A fixture of the feed parser's tests.
    static func fixture(_ name: String) -> String {
        CLI.root.appendingPathComponent("Tests/ReaderFeedsTests/Fixtures/\(name)").path
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var arguments: [String] = []
        /// The report line of the first import, after `FILE: `.
        var first: String
        /// The report line of the second import, after `FILE: `.
        var second: String
        /// The stored articles' titles, sorted, and their source's title.
        var titles: [String]
        var source: String
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(
            file: "untitled-items.xml",
            first: "3 new, 0 updated, 0 unchanged, 2 skipped (the first at line 23: item has no title, text or link) (rss)",
            second: "0 new, 0 updated, 3 unchanged, 2 skipped (the first at line 23: item has no title, text or link) (rss)",
            titles: ["Anemones at dawn", "Thu, 03 Apr 2025 07:20:00 +0100", "tidepool.example.net/2025/04/crab-moult"],
            source: "Tidepool Photo Log"
        ),
        Case(
            file: "late-title.xml",
            first: "2 new, 0 updated, 0 unchanged (rss)", second: "0 new, 0 updated, 2 unchanged (rss)",
            titles: ["Grafting the old pear", "Winter wash"], source: "Orchard Notebook"
        ),
        Case(
            file: "untitled.atom", arguments: ["--base-url", "https://belfry.example.org/atom.xml"],
            first: "1 new, 0 updated, 0 unchanged (atom)", second: "0 new, 0 updated, 1 unchanged (atom)",
            titles: ["Swift nest count"], source: "https://belfry.example.org/atom.xml"
        ),
        Case(
            file: "lenient.json",
            first: "4 new, 0 updated, 0 unchanged, 2 skipped (the first at line 32: item 4: should be an object) (json_feed)",
            second: "0 new, 0 updated, 4 unchanged, 2 skipped (the first at line 32: item 4: should be an object) (json_feed)",
            titles: ["Guest post: rye", "Sourdough & a Raspberry Pi", "The oven log, week by week.", "bread.example.dev/2025/photo"],
            source: "Bread & Circuits"
        ),
        Case(
            file: "extras.rdf",
            first: "2 new, 0 updated, 0 unchanged (rss)", second: "0 new, 0 updated, 2 unchanged (rss)",
            titles: ["Bittern booming again", "Marsh harrier pair"], source: "Marsh Survey Bulletin"
        ),
        Case(
            file: "podcast.xml",
            first: "2 new, 0 updated, 0 unchanged (rss)", second: "0 new, 0 updated, 2 unchanged (rss)",
            titles: ["Episode 12: Lighthouse keepers", "Episode 13: Night ferries"], source: "Night Shift Radio"
        ),
        Case(
            file: "base64.atom",
            first: "2 new, 0 updated, 0 unchanged (atom)", second: "0 new, 0 updated, 2 unchanged (atom)",
            titles: ["Dahlias lifted", "First frost"], source: "Allotment Diary"
        ),
        Case(
            file: "rss-no-channel.xml",
            first: "1 new, 0 updated, 0 unchanged (rss)", second: "0 new, 0 updated, 1 unchanged (rss)",
            titles: ["Not in a channel"], source: "Loose Items"
        ),
        Case(
            file: "relative-links.xml", arguments: ["--base-url", "https://stairwell.example.org/zine/feed.xml"],
            first: "1 new, 0 updated, 0 unchanged (rss)", second: "0 new, 0 updated, 1 unchanged (rss)",
            titles: ["Issue 4 is out"], source: "Stairwell Zine"
        ),
    ]

    @Test(arguments: cases)
    func importsAndReimportsWithNothingChanged(_ test: Case) async throws {
        let cli = try CLI()
        let path = Self.fixture(test.file)
        let first = try await cli.run(["import"] + test.arguments + [path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "\(path): \(test.first)\n")
        let articles = try await cli.json(["articles", "list", "--limit", "100"])["articles"] as? [[String: Any]] ?? []
        #expect(articles.compactMap { $0["title"] as? String }.sorted() == test.titles)
        #expect(Set(articles.compactMap { $0["source_title"] as? String }) == [test.source])
        let before = try await cli.run(["export", "--format", "json"]).stdoutData
        let second = try await cli.run(["import"] + test.arguments + [path])
        #expect(second.stdout == "\(path): \(test.second)\n")
        #expect(try await cli.run(["export", "--format", "json"]).stdoutData == before)
    }

    /// The stored article titled `title`, as `articles show --json` prints it.
    static func article(_ cli: CLI, titled title: String) async throws -> [String: Any] {
        let articles = try await cli.json(["articles", "list", "--limit", "100"])["articles"] as? [[String: Any]] ?? []
        let id = articles.first { $0["title"] as? String == title }?["id"] as? String ?? "missing"
        return try await cli.json(["articles", "show", id])["article"] as? [String: Any] ?? [:]
    }

    @Test func storesTheFieldsOfLinkOnlyPhotoAndRelativeItems() async throws {
        let cli = try CLI()
        let files = ["untitled-items.xml", "podcast.xml"].map(Self.fixture)
        #expect(try await cli.run(["import"] + files).status == 0)
        let link = try await Self.article(cli, titled: "tidepool.example.net/2025/04/crab-moult")
        #expect(link["url"] as? String == "https://www.tidepool.example.net/2025/04/crab-moult/")
        #expect(link["text"] as? String == "")
        let photo = try await Self.article(cli, titled: "Thu, 03 Apr 2025 07:20:00 +0100")
        #expect(photo["guid"] as? String == "tidepool-photo-1187")
        #expect(photo["html"] as? String == "<p><img src=\"https://img.tidepool.example.net/1187.jpg\" alt=\"\"></p>")
        let episode = try await Self.article(cli, titled: "Episode 13: Night ferries")
        #expect(episode["author"] as? String == "Night Shift Collective")
        #expect(episode["text"] as? String == "The last crossing of the night.")

        let zine = try CLI()
        let base = "https://stairwell.example.org/zine/feed.xml"
        #expect(try await zine.run(["import", "--base-url", base, Self.fixture("relative-links.xml")]).status == 0)
        let issue = try await Self.article(zine, titled: "Issue 4 is out")
        #expect(issue["url"] as? String == "https://stairwell.example.org/issues/4")
        #expect(issue["html"] as? String == "<p><a href=\"https://stairwell.example.org/zine/issues/4.pdf\">Read it</a> "
            + "<img src=\"https://stairwell.example.org/covers/4.png\" alt=\"Cover\"></p>")
    }

    @Test func readsAUTF16FileWithItsMark() async throws {
        let cli = try CLI()
        let text = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<rss version=\"2.0\"><channel><title>Kōhī</title>"
            + "<link>https://kohi.example.jp/</link><item><title>Pour-over — 93 °C</title>"
            + "<link>https://kohi.example.jp/93</link><description>Bloom ☕ first.</description></item></channel></rss>\n"
        let path = cli.folder.appendingPathComponent("kohi.xml").path
        try Data(text.utf16.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }).write(to: URL(fileURLWithPath: path))
        let first = try await cli.run(["import", path])
        #expect(first.stdout == "\(path): 1 new, 0 updated, 0 unchanged (rss)\n", "\(first.stderr)")
        let article = try await Self.article(cli, titled: "Pour-over — 93 °C")
        #expect(article["text"] as? String == "Bloom ☕ first.")
        #expect(article["source_title"] as? String == "Kōhī")
        #expect(try await cli.run(["import", path]).stdout == "\(path): 0 new, 0 updated, 1 unchanged (rss)\n")
    }

    @Test func anImportThatStoresNothingSaysWhy() async throws {
        let cli = try CLI()
        let empty = try cli.file("empty.xml", #"<rss version="2.0"><channel><title>Quiet</title></channel></rss>"#)
        let result = try await cli.run(["import", empty])
        #expect(result.status == 0)
        #expect(result.stdout == "\(empty): 0 new, 0 updated, 0 unchanged (rss)\n\(empty): nothing stored: the feed has no entries\n")
        let blank = try cli.file("blank.xml", """
            <rss version="2.0"><channel><title>Blank</title>
            <item><description> </description></item>
            </channel></rss>
            """)
        let json = try await cli.json(["import", blank])
        let report = (json["imported"] as? [[String: Any]])?.first
        #expect(report?["nothing_stored"] as? String == "its one entry was skipped (item has no title, text or link)")
        let skipped = (report?["skipped"] as? [[String: Any]])?.first
        #expect(skipped?["reason"] as? String == "empty")
        #expect(skipped?["count"] as? Int == 1)
        #expect(skipped?["first_line"] as? Int == 2)
    }

    @Test func refusesRSSWithoutAChannelOrItemsAndABadBaseURL() async throws {
        let cli = try CLI()
        let path = try cli.file("bare.xml", "<rss version=\"2.0\">\n</rss>\n")
        let result = try await cli.run(["import", path])
        #expect(result.status == 7)
        #expect(result.stderr == "reader: \(path): the <rss> element holds no <channel> and no items, so there is nothing to import "
            + "(RSS puts them in <rss><channel>)\n")
        let usage = try await cli.run(["import", "--base-url", "feed.xml", Self.fixture("relative-links.xml")])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--base-url must be an absolute http or https URL"))
    }
}
