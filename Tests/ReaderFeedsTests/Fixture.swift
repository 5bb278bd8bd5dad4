import Foundation
import LoopbackHTTP
import ReaderFeeds
import ReaderModels

/// The files under `Fixtures/`, and temporary files for cases too small to deserve one.
enum Fixture {
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name).path
    }

    /// Every draft the file yields, in order.
    static func drafts(_ name: String, format: FeedFormat? = nil) throws -> [ArticleDraft] {
        try drafts(atPath: path(name), format: format)
    }

    static func drafts(atPath path: String, format: FeedFormat? = nil) throws -> [ArticleDraft] {
        var drafts: [ArticleDraft] = []
        try FeedFile.read(path: path, format: format) { drafts.append($0) }
        return drafts
    }

    /// Every draft the file yields, and what the whole file said (source, skipped entries).
    static func read(atPath path: String, baseURL: String? = nil) throws -> (drafts: [ArticleDraft], result: FeedReadResult) {
        var drafts: [ArticleDraft] = []
        let result = try FeedFile.read(path: path, baseURL: baseURL) { drafts.append($0) }
        return (drafts, result)
    }

    static func read(_ name: String, baseURL: String? = nil) throws -> (drafts: [ArticleDraft], result: FeedReadResult) {
        try read(atPath: path(name), baseURL: baseURL)
    }

    /// Writes `bytes` to a new file in a fresh temporary folder and returns its path.
    static func temporary(_ name: String, _ bytes: some Sequence<UInt8>) throws -> String {
        let folder = try TestFolder.make("feeds")
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func temporary(_ name: String, text: String) throws -> String {
        try temporary(name, Array(text.utf8))
    }
}

extension ArticleDraft {
    /// The publication date as the core writes instants, for readable comparisons.
    var publishedText: String? { published.map(Timestamp.format) }
    var updatedText: String? { updated.map(Timestamp.format) }
}

/// An error a test's `each` closure throws, to check that it comes back unchanged.
struct StopReading: Error, Equatable {}
