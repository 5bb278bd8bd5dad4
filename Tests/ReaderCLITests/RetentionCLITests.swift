import Foundation
import Testing

/// `reader retention`, `reader prune`, pruning after a refresh, and the size in `reader status`.
@Suite struct RetentionCLITests {
    /// Imports the samples, marks every article read and returns their ids.
    static func importedAndRead(_ cli: CLI) async throws -> [String] {
        let ids = try await ReaderCLITests.importedSamples(cli).compactMap { $0["id"] as? String }
        #expect(ids.count == 13)
        #expect(try await cli.run(["mark", "read"] + ids).status == 0)
        return ids
    }

    @Test func retentionShowsTheDefaultThenSetsOneKnobAtATime() async throws {
        let cli = try CLI()
        let shown = try await cli.json(["retention"])
        #expect(shown["read_days"] as? Int == 60 && shown["unread_days"] as? Int == 180)
        #expect(shown["per_feed"] is NSNull && shown["default"] as? Bool == true)
        let set = try await cli.run(["retention", "--read-days", "7"])
        #expect(set.status == 0)
        #expect(set.stdout == """
            read articles:   pruned after 7 days
            unread articles: pruned after 180 days
            per feed:        no cap
            policy:          set here

            """)
        _ = try await cli.run(["retention", "--per-feed", "50"])
        let both = try await cli.json(["retention"])
        #expect(both["read_days"] as? Int == 7 && both["unread_days"] as? Int == 180 && both["per_feed"] as? Int == 50)
        #expect(both["default"] as? Bool == false)
        let off = try await cli.json(["retention", "--off"])
        #expect(off["read_days"] is NSNull && off["unread_days"] is NSNull && off["per_feed"] is NSNull)
        #expect(try await cli.run(["retention", "--default"]).stdout.contains("policy:          the default"))
    }

    @Test func retentionRefusesBadValuesWithAUsageError() async throws {
        let cli = try CLI()
        for arguments in [["--read-days", "-1"], ["--per-feed", "40000"], ["--off", "--read-days", "3"], ["--off", "--default"]] {
            let result = try await cli.run(["retention"] + arguments)
            #expect(result.status == 2, "\(arguments)")
        }
        #expect(try await cli.json(["retention"])["default"] as? Bool == true, "nothing was stored")
    }

    @Test func prunePrintsWhatWentAndAPrunedArticleComesBackReadOnlyWhenChanged() async throws {
        let cli = try CLI()
        let ids = try await Self.importedAndRead(cli)
        #expect(try await cli.run(["prune"]).stdout.hasPrefix("pruned 0 articles (0 read, 0 unread)"), "60 days have not passed")
        _ = try await cli.run(["retention", "--read-days", "0"])
        let pruned = try await cli.run(["prune"])
        #expect(pruned.stdout.hasPrefix("pruned 13 articles (13 read, 0 unread); "))
        #expect(pruned.stdout.contains("  " + String(ids[0].prefix(8)) + "\n"))
        #expect(try await cli.json(["status"])["articles"] as? Int == 0)
        #expect(try await cli.run(["search", "harbour"]).stdout == "no matches\n")

        // The same files again: nothing comes back, so nothing comes back unread.
        let again = try await cli.run(["import"] + CLI.samples)
        #expect(again.stdout.contains("harbour-gazette.xml: 0 new, 0 updated, 4 unchanged (rss)"))
        #expect(try await cli.json(["status"])["articles"] as? Int == 0)
        // A changed article comes back, read.
        let original = try String(contentsOfFile: CLI.sample("morning-digest.txt"), encoding: .utf8)
        let edited = try cli.file("morning-digest.txt", original.replacingOccurrences(of: "eighteen months", with: "two years"))
        #expect(try await cli.run(["import", edited]).stdout.contains("0 new, 1 updated, 2 unchanged"))
        let status = try await cli.json(["status"])
        #expect(status["articles"] as? Int == 1 && status["unread"] as? Int == 0)
    }

    @Test func pruneJSONListsTheArticlesAndTheSizes() async throws {
        let cli = try CLI()
        _ = try await ReaderCLITests.importedSamples(cli)
        _ = try await cli.run(["retention", "--unread-days", "0"])
        let report = try await cli.json(["prune"])
        #expect(report["removed"] as? Int == 13 && report["unread"] as? Int == 13)
        #expect((report["article_ids"] as? [String])?.count == 13)
        let before = try #require(report["bytes_before"] as? Int)
        let after = try #require(report["bytes_after"] as? Int)
        #expect(before > 0 && after > 0)
    }

    @Test func aRefreshPrunesAfterwards() async throws {
        let cli = try CLI()
        _ = try await Self.importedAndRead(cli)
        _ = try await cli.run(["retention", "--read-days", "0"])
        let refresh = try await cli.json(["refresh"])
        #expect(refresh["pruned"] as? Int == 13)
        #expect(try await cli.json(["status"])["articles"] as? Int == 0)
    }

    @Test func statusShowsTheDatabaseSize() async throws {
        let cli = try CLI()
        _ = try await ReaderCLITests.importedSamples(cli)
        let status = try await cli.json(["status"])
        let bytes = try #require(status["database_bytes"] as? Int)
        #expect(bytes > 4096)
        let text = try await cli.run(["status"]).stdout
        let line = try #require(text.split(separator: "\n").first)
        #expect(line.hasPrefix("database:  \(cli.db) (") && (line.hasSuffix(" KB)") || line.hasSuffix(" MB)")))
    }
}
