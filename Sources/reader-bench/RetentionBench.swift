import Foundation
import ReaderModels
import ReaderStore
import Synchronization

/// `reader-bench retention [--feeds N] [--days D] [--seed S] [--workdir DIR]`: a device
/// following N feeds (200) for D days (365) under the default retention policy, on a
/// simulated clock passed to the store, printing the database's size at the end of each
/// month. The size grows until the policy bites, then stays flat.
///
/// Every day each feed is "refreshed": its document carries its 10 latest entries, so
/// entries already stored or already pruned arrive again, as they do from real feeds.
/// Feeds post 5, 2, 1 or one every other day (2.1 a day on average); 60% of articles are
/// read the day after they arrive, and the reading state is acknowledged as a sync would
/// (the outbox is emptied), so only the policy decides what stays. Then the store prunes.
enum RetentionBench {
    static let command = "retention"

    static func run(_ arguments: [String]) throws {
        var feeds = 200, days = 365, seed: UInt64 = 42
        var workdirPath: String?
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value") }
            switch option {
            case "--feeds": feeds = Int(value) ?? feeds
            case "--days": days = Int(value) ?? days
            case "--seed": seed = UInt64(value) ?? seed
            case "--workdir": workdirPath = value
            default: throw BenchError("unknown option \(option); usage: reader-bench retention [--feeds N] [--days D] [--seed S] [--workdir DIR]")
            }
        }
        let workdir = try Workdir(workdirPath)
        defer { workdir.cleanUp() }
        #if DEBUG
        Report.note("warning: a debug build; figures mean something only from `swift build -c release`")
        #endif
        let policy = RetentionPolicy.default
        Report.note("reader-bench retention  \(feeds) feeds  \(days) days  seed \(seed)  policy: read \(policy.readDays ?? 0) d, "
            + "unread \(policy.unreadDays ?? 0) d, per feed \(policy.perFeed.map(String.init) ?? "no cap")  load \(loadAverage())")

        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let clock = Mutex(start)
        let path = workdir.path + "/retention.sqlite"
        let store = try ReaderStore(path: path, environment: StoreEnvironment(
            now: { clock.withLock { $0 } }, makeID: { UUID().uuidString.lowercased() }
        ))
        let acknowledge = try RawDatabase(path: path)
        let generator = ArticleGenerator(seed: seed)
        let sources = (0..<feeds).map { feed in
            SourceDraft(key: "https://bench.example/feeds/\(feed).xml", title: "Feed \(feed)",
                        siteURL: "https://bench.example/\(feed)/", feedURL: "https://bench.example/feeds/\(feed).xml", kind: .rss)
        }
        var carried = Array(repeating: [ArticleDraft](), count: feeds)
        var nextIndex = 0
        var arrivedYesterday: [String] = []
        var stored = 0
        let began = ContinuousClock.now
        Report.emit(Report.pad("day", 6) + Report.padLeft("articles", 10) + Report.padLeft("unread", 9)
            + Report.padLeft("kept states", 13) + Report.padLeft("stored", 10) + Report.padLeft("database", 12))
        for day in 1...days {
            let now = start.addingTimeInterval(Double(day) * 86_400)
            clock.withLock { $0 = now }
            var arrived: [String] = []
            for feed in 0..<feeds {
                let posts = switch feed % 4 {
                case 0: 5
                case 1: 2
                case 2: 1
                default: day % 2
                }
                for _ in 0..<posts {
                    let draft = generator.article(nextIndex).draft(source: sources[feed])
                    nextIndex += 1
                    carried[feed].append(draft)
                    arrived.append(draft.id)
                }
                if carried[feed].count > 10 { carried[feed].removeFirst(carried[feed].count - 10) }
                if !carried[feed].isEmpty { stored += try store.importArticles(carried[feed]).new }
            }
            let read = arrivedYesterday.enumerated().filter { $0.offset % 10 < 6 }.map(\.element)
            // A day old: far inside the policy, so every one is still there.
            if !read.isEmpty { try store.markRead(read) }
            try acknowledge.execute("DELETE FROM outbox")
            arrivedYesterday = arrived
            let report = try store.prune(now: now)
            if day % 30 == 0 || day == days {
                let status = try store.status()
                Report.emit(Report.pad("\(day)", 6) + Report.padLeft(Report.grouped(status.articles), 10)
                    + Report.padLeft(Report.grouped(status.unread), 9) + Report.padLeft(Report.grouped(report.keptStates), 13)
                    + Report.padLeft(Report.grouped(stored), 10) + Report.padLeft(Report.megabytes(Int(status.databaseBytes)), 12))
            }
        }
        let elapsed = ContinuousClock.now - began
        Report.note("\(Report.grouped(nextIndex)) articles generated in \(Report.fixed(Double(elapsed.components.seconds), 0)) s; "
            + "database = file + WAL after the day's prune")
    }
}
