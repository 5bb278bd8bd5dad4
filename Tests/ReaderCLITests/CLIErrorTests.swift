import GRDB
import Foundation
import LoopbackHTTP
import Testing

/// Failures: one line on stderr that names what was wrong, a documented exit code, and
/// nothing half-written.
@Suite struct CLIErrorTests {
    @Test func unknownIDsExitSixAndNameTheID() async throws {
        let cli = try CLI()
        _ = try await cli.run(["import", CLI.sample("night-sky.json")])
        for arguments in [["articles", "show", "feedface"], ["mark", "read", "feedface"], ["notes", "add", "feedface", "x"], ["notes", "edit", "feedface", "x"]] {
            let result = try await cli.run(arguments)
            #expect(result.status == 6, "\(arguments)")
            #expect(result.stderr == "reader: no article with id feedface\n" || result.stderr == "reader: no note with id feedface\n", "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func aQuoteNotInTheArticleIsRefused() async throws {
        let cli = try CLI()
        _ = try await cli.run(["import", CLI.sample("night-sky.json")])
        let articles = try await cli.json(["articles", "list"])["articles"] as? [[String: Any]] ?? []
        let id = articles.first?["id"] as? String ?? ""
        let result = try await cli.run(["notes", "add", id, "hmm", "--quote", "a passage nobody wrote"])
        #expect(result.status == 7)
        #expect(result.stderr == "reader: the passage “a passage nobody wrote” is not in article \(id)\n")
        #expect(try await cli.json(["status"])["notes"] as? Int == 0)
    }

    /// The store says what is wrong; the advice to run a command is the CLI's own.
    @Test func anEmptiedNoteIsRefusedWithTheCommandThatDeletesIt() async throws {
        let cli = try CLI()
        _ = try await cli.run(["import", CLI.sample("night-sky.json")])
        let articles = try await cli.json(["articles", "list"])["articles"] as? [[String: Any]] ?? []
        let id = articles.first?["id"] as? String ?? ""
        let empty = try await cli.run(["notes", "add", id, "  "])
        #expect(empty.status == 7)
        #expect(empty.stderr == "reader: a note needs text or a quoted passage; nothing was saved\n")
        let noteID = try await cli.run(["notes", "add", id, "first thoughts"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let emptied = try await cli.run(["notes", "edit", noteID, ""])
        #expect(emptied.status == 7)
        #expect(emptied.stderr == "reader: note \(noteID) would have neither text nor a quoted passage; nothing was saved; to delete it, run `reader notes rm \(noteID.prefix(8))`\n")
        #expect(try await cli.json(["status"])["notes"] as? Int == 1)
    }

    @Test func malformedFilesAreNamedWithTheLineAndImportNothing() async throws {
        let cli = try CLI()
        let good = CLI.sample("night-sky.json")
        let broken = try cli.file("broken.xml", """
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>Half a feed</title>
            <item><title>Complete item</title><guid>1</guid><description>Fine.</description></item>
            <item><title>Cut off</title><guid>2</guid><description>Where did
            """)
        let result = try await cli.run(["import", broken, good])
        #expect(result.status == 7)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(result.stderr)")
        #expect(lines.first?.hasPrefix("reader: \(broken):") == true, "\(result.stderr)")
        #expect(result.stdout.contains("night-sky.json: 3 new"), "the other file is still imported")
        let status = try await cli.json(["status"])
        #expect(status["articles"] as? Int == 3, "nothing of the broken file is kept")
    }

    @Test func aMissingFileIsAnInputError() async throws {
        let cli = try CLI()
        let result = try await cli.run(["import", "/nonexistent/feed.xml"])
        #expect(result.status == 7)
        #expect(result.stderr.hasPrefix("reader: /nonexistent/feed.xml"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func usageErrorsExitTwo() async throws {
        let cli = try CLI()
        for arguments in [["mark", "sideways", "abcd"], ["articles", "list", "--limit", "0"], ["frobnicate"], ["import"]] {
            let result = try await cli.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
            #expect(!result.stderr.isEmpty)
        }
        let help = try await CLI.exec(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exit codes"))
    }

    @Test func aDatabaseFolderThatDoesNotExistExitsEightAndIsNotMade() async throws {
        let cli = try CLI()
        let file = try cli.file("plain-file", "not a folder")
        let underAFile = try await cli.run(["status"], db: file + "/sub/reader.sqlite")
        #expect(underAFile.status == 8)
        #expect(underAFile.stderr == "reader: the folder \(file)/sub for the database does not exist\n")
        let absent = cli.folder.appendingPathComponent("absent/deeper")
        let result = try await cli.run(["status"], db: absent.path + "/reader.sqlite")
        #expect(result.status == 8)
        #expect(result.stderr == "reader: the folder \(absent.path) for the database does not exist\n")
        let fromEnvironment = try await CLI.exec(["status"], environment: ["READER_DB": absent.path + "/reader.sqlite"])
        #expect(fromEnvironment.status == 8)
        #expect(fromEnvironment.stderr == "reader: the folder \(absent.path) for the database does not exist\n")
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("absent").path))
    }

    @Test func anEmptyDatabasePathIsAUsageError() async throws {
        let cli = try CLI()
        for arguments in [["status", "--db", ""], ["--db", "", "status"], ["status", "--db="]] {
            let result = try await CLI.exec(arguments, environment: ["READER_DB": cli.db])
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("--db"), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.db))
    }

    @Test func theDefaultDatabaseFolderIsMade() async throws {
        let cli = try CLI()
        let data = cli.folder.appendingPathComponent("xdg")
        let result = try await CLI.exec(["status"], environment: ["XDG_DATA_HOME": data.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("reader/reader.sqlite").path))
    }

    @Test func aFileThatIsNotADatabaseExitsEight() async throws {
        let cli = try CLI()
        let notADatabase = try cli.file("notes.sqlite", String(repeating: "plain text, not SQLite\n", count: 100))
        let result = try await cli.run(["status"], db: notADatabase)
        #expect(result.status == 8)
        #expect(result.stderr == "reader: \(notADatabase) is not a reader database; it was left unchanged\n")
    }

    @Test func anotherProgramsDatabaseIsRefusedAndLeftByteForByte() async throws {
        let cli = try CLI()
        let path = cli.folder.appendingPathComponent("other-app.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('bread')") }
        try queue.close()
        let companions = [path + "-wal", path + "-shm", path + "-journal"]
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(companions.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        for arguments in [["status"], ["articles", "list"], ["import", CLI.sample("night-sky.json")]] {
            let result = try await cli.run(arguments, db: path)
            #expect(result.status == 8, "\(arguments): \(result.stderr)")
            #expect(result.stderr == "reader: \(path) is not a reader database; it was left unchanged\n")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the other program's file was changed")
        let fifo = cli.folder.appendingPathComponent("pipe.sqlite").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for special in [fifo, "/dev/zero", cli.folder.path] {
            let result = try await cli.run(["status"], db: special)
            #expect(result.status == 8, "\(special): \(result.stderr)")
            #expect(result.stderr == "reader: \(special) is not a reader database; it was left unchanged\n")
        }
        #expect(companions.allSatisfy { !FileManager.default.fileExists(atPath: $0) }, "a -wal, -shm or -journal was left")
    }

    @Test func aFolderADeviceOrAPipeIsNotImportedAndSaysWhatItIs() async throws {
        let cli = try CLI()
        let fifo = cli.folder.appendingPathComponent("feed.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let cases = [
            (cli.folder.path, "is a folder, not a file"),
            ("/dev/zero", "is a device, not a regular file"),
            ("/dev/stdin", "is a device, not a regular file"),
            (fifo, "is a pipe, not a regular file"),
        ]
        for command in [["feeds", "import"], ["import"]] {
            for (path, reason) in cases {
                let result = try await cli.run(command + [path])
                #expect(result.status == 7, "\(command) \(path): \(result.status) \(result.stderr)")
                #expect(result.stderr.hasPrefix("reader: \(path): \(reason)"), "\(command) \(path): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(command) \(path): \(result.stderr)")
            }
        }
    }

    @Test func anAnswerOutsideTheProtocolIsOneSentenceNotADecodingDump() async throws {
        let cases: [(String, String)] = [
            ("not json at all", "cannot be read: it is not valid JSON"),
            (#"{"changes": 5, "next_cursor": "9", "has_more": false}"#, "cannot be read: changes is not "),
            (#"{"changes": [{"entity": "note"}], "has_more": false}"#, "cannot be read: changes[0]."),
        ]
        for (body, message) in cases {
            let server = try RoutedServer(["/v1/changes": .body(Array(body.utf8), contentType: "application/json")])
            let cli = try CLI()
            let result = try await cli.run(
                ["sync", "--server", server.url("/").absoluteString, "--token", "t"],
                environment: ["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"]
            )
            #expect(result.status == 5, "\(body): \(result.status) \(result.stderr)")
            #expect(result.stderr.hasPrefix("reader: the server's answer does not follow the sync protocol: its page of changes"), "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(body): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(body): \(result.stderr)")
            for dump in ["DecodingError", "CodingKeys", "Context(", "debugDescription"] {
                #expect(!result.stderr.contains(dump), "\(body): \(result.stderr)")
            }
        }
    }
}
