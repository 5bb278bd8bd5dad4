import Foundation
import Testing

/// The `reader` binary end to end: every command, its output, its errors and exit codes.
@Suite struct ReaderCLITests {
    /// Imports the shipped samples and returns the listed articles (newest first).
    static func importedSamples(_ cli: CLI) async throws -> [[String: Any]] {
        let result = try await cli.run(["import"] + CLI.samples)
        #expect(result.status == 0, "\(result.stderr)")
        return try await cli.json(["articles", "list", "--limit", "100"])["articles"] as? [[String: Any]] ?? []
    }

    static func id(_ articles: [[String: Any]], titled title: String) -> String {
        articles.first { $0["title"] as? String == title }?["id"] as? String ?? "missing"
    }

    @Test func importReportsPerFileAndIsIdempotent() async throws {
        let cli = try CLI()
        let first = try await cli.run(["import"] + CLI.samples)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("harbour-gazette.xml: 4 new, 0 updated, 0 unchanged (rss)"))
        #expect(first.stdout.contains("field-notes.atom: 3 new, 0 updated, 0 unchanged (atom)"))
        #expect(first.stdout.contains("night-sky.json: 3 new, 0 updated, 0 unchanged (json_feed)"))
        #expect(first.stdout.contains("morning-digest.txt: 3 new, 0 updated, 0 unchanged (bundle)"))
        let exportBefore = try await cli.run(["export", "--format", "json"]).stdoutData
        let second = try await cli.run(["import"] + CLI.samples)
        #expect(second.stdout.contains("harbour-gazette.xml: 0 new, 0 updated, 4 unchanged (rss)"))
        #expect(second.stdout.contains("morning-digest.txt: 0 new, 0 updated, 3 unchanged (bundle)"))
        #expect(try await cli.run(["export", "--format", "json"]).stdoutData == exportBefore)
    }

    @Test func changedArticleIsUpdatedNotDuplicated() async throws {
        let cli = try CLI()
        _ = try await Self.importedSamples(cli)
        let original = try String(contentsOfFile: CLI.sample("morning-digest.txt"), encoding: .utf8)
        let edited = try cli.file("morning-digest.txt", original.replacingOccurrences(of: "eighteen months", with: "two years"))
        let result = try await cli.run(["import", edited])
        #expect(result.stdout.contains("0 new, 1 updated, 2 unchanged"))
        let status = try await cli.json(["status"])
        #expect(status["articles"] as? Int == 13)
    }

    @Test func listsFilterByStateAndLimit() async throws {
        let cli = try CLI()
        let articles = try await Self.importedSamples(cli)
        #expect(articles.count == 13)
        let ferry = Self.id(articles, titled: "Night ferry returns after a two-year pause")
        let geese = Self.id(articles, titled: "The first geese of the season")
        #expect(try await cli.run(["mark", "read", ferry, String(geese.prefix(6))]).stdout == "marked 2 articles read\n")
        #expect(try await cli.run(["mark", "star", ferry]).status == 0)
        let unread = try await cli.json(["articles", "list", "--unread", "--limit", "100"])["articles"] as? [[String: Any]]
        #expect(unread?.count == 11)
        let starred = try await cli.json(["articles", "list", "--starred"])["articles"] as? [[String: Any]]
        #expect(starred?.map { $0["id"] as? String } == [ferry])
        let state = starred?.first?["state"] as? [String: Any]
        #expect(state?["read"] as? Bool == true)
        #expect(state?["starred"] as? Bool == true)
        #expect((try await cli.json(["articles", "list", "--limit", "2"])["articles"] as? [Any])?.count == 2)
        // Newest first: undated digest articles count from when they were imported, today.
        let text = try await cli.run(["articles", "list", "--limit", "1"]).stdout
        #expect(text.hasPrefix(String((articles.first?["id"] as? String ?? "?").prefix(8))), "\(text)")
        let dated = articles.compactMap { $0["published_at"] as? String }
        #expect(dated == dated.sorted(by: >))
        #expect(articles.firstIndex { $0["id"] as? String == geese } == 3, "the newest dated article follows the 3 undated ones")
        #expect(try await cli.run(["mark", "unread", ferry]).status == 0)
        #expect((try await cli.json(["articles", "list", "--unread", "--limit", "100"])["articles"] as? [Any])?.count == 12)
    }

    @Test func showPrintsTheSanitisedArticleAndItsNotes() async throws {
        let cli = try CLI()
        let articles = try await Self.importedSamples(cli)
        let ferry = Self.id(articles, titled: "Night ferry returns after a two-year pause")
        let noteID = try await cli.run(["notes", "add", ferry, "Check the winter timetable", "--quote", "leaves at 23:10"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = try await cli.run(["articles", "show", String(ferry.prefix(5))])
        #expect(shown.status == 0)
        #expect(shown.stdout.hasPrefix("Night ferry returns after a two-year pause\n"))
        #expect(shown.stdout.contains("author:    Marta Quell"))
        #expect(shown.stdout.contains("> leaves at 23:10"))
        #expect(shown.stdout.contains("Check the winter timetable"))
        let json = try await cli.json(["articles", "show", ferry])
        let article = json["article"] as? [String: Any]
        let html = article?["html"] as? String ?? ""
        #expect(!html.contains("<script"))
        #expect(!html.contains("trackVisit"))
        #expect((json["notes"] as? [[String: Any]])?.first?["id"] as? String == noteID)
    }

    @Test func notesAddEditRemoveAndExport() async throws {
        let cli = try CLI()
        let articles = try await Self.importedSamples(cli)
        let geese = Self.id(articles, titled: "The first geese of the season")
        let added = try await cli.run(["notes", "add", geese, "Compare with last year's log", "--quote", "eleven days later"])
        #expect(added.status == 0)
        let noteID = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(UUID(uuidString: noteID) != nil, "prints the note's id: \(added.stdout)")
        #expect(try await cli.run(["notes", "edit", String(noteID.prefix(8)), "Compare with the 2025 log"]).status == 0)
        let listed = try await cli.json(["notes", "list", "--article", geese])["notes"] as? [[String: Any]]
        #expect(listed?.count == 1)
        #expect(listed?.first?["body"] as? String == "Compare with the 2025 log")
        #expect((listed?.first?["anchor"] as? [String: Any])?["exact"] as? String == "eleven days later")
        let markdown = try await cli.run(["notes", "export"]).stdout
        #expect(markdown.contains("## The first geese of the season"))
        #expect(markdown.contains("> eleven days later\n\nCompare with the 2025 log\n"))
        let exported = try await cli.run(["notes", "export", "--format", "json"])
        let notes = (try JSONSerialization.jsonObject(with: exported.stdoutData) as? [String: Any])?["notes"] as? [Any]
        #expect(notes?.count == 1)
        #expect(try await cli.run(["notes", "rm", noteID]).stdout == "deleted note \(noteID)\n")
        #expect(try await cli.run(["notes", "list"]).stdout == "no notes\n")
        let again = try await cli.run(["notes", "rm", noteID])
        #expect(again.status == 6)
        #expect(again.stderr == "reader: no note with id \(noteID)\n")
    }

    @Test func searchFindsArticlesAndNotesWithSnippets() async throws {
        let cli = try CLI()
        let articles = try await Self.importedSamples(cli)
        let bakery = Self.id(articles, titled: "Bakery on Quay Street fires its wood oven")
        _ = try await cli.run(["notes", "add", bakery, "Go early on Saturday for rye"])
        let results = try await cli.json(["search", "rye"])["results"] as? [[String: Any]] ?? []
        #expect(Set(results.compactMap { $0["kind"] as? String }) == ["article", "note"])
        #expect(results.allSatisfy { ($0["snippet"] as? String ?? "").lowercased().contains("**rye**") })
        let text = try await cli.run(["search", "lighthouse", "keepers"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Lighthouse keepers return to Gull Rock"))
        #expect(try await cli.run(["search", "zeppelin"]).stdout == "no matches\n")
        let unbalanced = try await cli.run(["search", "\"wood oven"])
        #expect(unbalanced.status == 0)
        #expect(unbalanced.stdout.contains("Bakery on Quay Street"))
        let empty = try await cli.run(["search", "(*)"])
        #expect(empty.status == 7)
        #expect(empty.stderr == "reader: invalid search: the query has no words to search for\n")
    }

    @Test func exportIsDeterministicAcrossDatabases() async throws {
        let one = try CLI()
        let two = try CLI()
        let articles = try await Self.importedSamples(one)
        let ferry = Self.id(articles, titled: "Night ferry returns after a two-year pause")
        let otter = Self.id(articles, titled: "Otter tracks by the sluice")
        // The second database imports in another order and reaches the same state another way.
        #expect(try await two.run(["import"] + CLI.samples.reversed()).status == 0)
        _ = try await one.run(["mark", "read", ferry, otter])
        _ = try await one.run(["mark", "star", otter])
        _ = try await two.run(["mark", "star", otter])
        _ = try await two.run(["mark", "read", otter])
        _ = try await two.run(["mark", "unread", ferry])
        _ = try await two.run(["mark", "read", ferry])
        let a = try await one.run(["export", "--format", "json"])
        let b = try await two.run(["export", "--format", "json"])
        #expect(a.status == 0)
        #expect(a.stdoutData == b.stdoutData)
        #expect(a.stdoutData == (try await one.run(["export"])).stdoutData)
    }

    @Test func statusCountsWhatIsThere() async throws {
        let cli = try CLI()
        let articles = try await Self.importedSamples(cli)
        _ = try await cli.run(["mark", "read", Self.id(articles, titled: "Leonids peak under a thin moon")])
        let status = try await cli.json(["status"])
        #expect(status["articles"] as? Int == 13)
        #expect(status["unread"] as? Int == 12)
        #expect(status["sources"] as? Int == 5)
        #expect(status["pending_mutations"] as? Int == 1)
        let text = try await cli.run(["status"]).stdout
        #expect(text.contains("articles:  13 (12 unread, 0 starred)"))
        #expect(text.contains("last sync: never"))
    }

    @Test func globalOptionsMayComeBeforeTheSubcommand() async throws {
        let cli = try CLI()
        #expect(try await CLI.exec(["--db", cli.db, "import", CLI.sample("night-sky.json")]).status == 0)
        let status = try await CLI.exec(["--db=\(cli.db)", "--json", "status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("\"articles\" : 3"))
    }

    @Test func databaseComesFromTheEnvironmentWhenNotGiven() async throws {
        let cli = try CLI()
        let viaEnv = cli.folder.appendingPathComponent("env.sqlite").path
        let result = try await CLI.exec(["import", CLI.sample("night-sky.json")], environment: ["READER_DB": viaEnv])
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: viaEnv))
        let xdg = cli.folder.appendingPathComponent("xdg").path
        let second = try await CLI.exec(["status"], environment: ["XDG_DATA_HOME": xdg])
        #expect(second.status == 0)
        #expect(FileManager.default.fileExists(atPath: xdg + "/reader/reader.sqlite"))
    }
}
