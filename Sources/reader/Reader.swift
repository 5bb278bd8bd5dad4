import ArgumentParser
import CAllocator
import Foundation
import GRDBSQLite
import ReaderFeeds
import ReaderStore

/// The `reader` command: a Linux CLI over the reader core.
@main
struct Reader: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reader",
        abstract: "Read, search and annotate articles offline.",
        discussion: """
            The database is --db PATH, else $READER_DB, else $XDG_DATA_HOME/reader/reader.sqlite, \
            else ~/.local/share/reader/reader.sqlite; it is created on first use, and so is the \
            default one's folder (the folder of --db or $READER_DB must exist). A file that is \
            not a reader database is refused and left unchanged.

            Exit codes: 0 success, 1 internal error, 2 usage, 3 network or server trouble (try \
            later), 4 authentication, 5 server or protocol error, 6 unknown id, 7 invalid input, \
            8 database unavailable.
            """,
        version: ReaderVersion.current,
        subcommands: [
            ImportCommand.self, ArticlesCommand.self, MarkCommand.self, TagCommand.self, UntagCommand.self,
            ProgressCommand.self, SearchCommand.self,
            NotesCommand.self, ExportCommand.self, StatusCommand.self, RetentionCommand.self, PruneCommand.self,
            FeedsCommand.self, RefreshCommand.self,
            LoginCommand.self, LogoutCommand.self, SyncCommand.self, ConflictsCommand.self,
        ]
    )

    static func main() async {
        // One malloc arena (glibc): a refresh allocates on three threads, and a third arena
        // held 8-10 MB more at peak for the same work; one arena measured no slower.
        _ = reader_limit_malloc_arenas(1)
        // Blocks of 128 KB and more in mappings of their own, returned when freed (see the shim).
        _ = reader_fix_malloc_mmap_threshold(128 << 10)
        // SQLite keeps its memory, page caches included, near 3 MB for the whole process
        // (a soft limit: it recycles cached pages rather than allocate more). Unlimited, a
        // first refresh of 50 feeds peaked at 61.4 MB, at 3 MB 55.5 MB; an import of 20,000
        // articles 44.5 MB unlimited, 38.7 MB at 3 MB (4 KB pages then). With the 16 KB
        // pages of a new database (`ReaderStore.newFilePragmas`) 1.5 MB holds too few pages:
        // alternated with 3 MB, that refresh took 10-20% more CPU (README, issue 16). The
        // process's setting, so the CLI's, not the store's: an app sets its own.
        _ = sqlite3_soft_heap_limit64(3_000_000)
        do {
            var command = try parseAsRoot(Self.movingLeadingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exitCleanly(error)
        }
    }

    /// `--db PATH` and `--json` are declared on each subcommand; so that `reader --db PATH
    /// status` works as well as `reader status --db PATH`, global options written before the
    /// subcommand are moved after it.
    static func movingLeadingGlobalOptions(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--db", index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else if argument.hasPrefix("--db=") || argument == "--json" {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        let rest = Array(arguments[index...])
        guard !leading.isEmpty, !rest.isEmpty else { return arguments }
        // Options go before a `--`, which would make them positional.
        if let separator = rest.firstIndex(of: "--") {
            return Array(rest[..<separator]) + leading + Array(rest[separator...])
        }
        return rest + leading
    }

    /// Prints one line for the person (or the help text) and exits with the documented code.
    static func exitCleanly(_ error: any Error) -> Never {
        if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
        if let status = ReaderExit(error) {
            Output.error(status.message)
            Foundation.exit(status.code.rawValue)
        }
        // Argument parsing: help and version go to stdout with 0; usage errors to stderr with 2.
        let argumentExit = exitCode(for: error)
        let message = fullMessage(for: error)
        if argumentExit == .success {
            print(message)
            Foundation.exit(0)
        }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(argumentExit == .validationFailure ? ReaderExit.Code.usage.rawValue : ReaderExit.Code.internal.rawValue)
    }
}

/// The version `reader --version` prints and the User-Agent will carry.
enum ReaderVersion {
    static let current = "0.1.0"
}
