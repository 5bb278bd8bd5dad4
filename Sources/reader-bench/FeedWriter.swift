import Foundation
import ReaderModels

/// Writes generated articles to a feed file one at a time, so a file of any size is
/// written in constant memory.
enum FeedWriter {
    /// The formats the generator writes.
    enum Format: String {
        case rss, bundle
    }

    /// Writes articles `first..<first + count` of `generator` to `path`; returns the file's
    /// size in bytes.
    static func write(_ format: Format, count: Int, first: Int = 0, generator: ArticleGenerator, to path: String) throws -> Int {
        let sink = try FileSink(path: path)
        switch format {
        case .rss: try writeRSS(first..<first + count, generator: generator, to: sink)
        case .bundle: try writeBundle(first..<first + count, generator: generator, to: sink)
        }
        return try sink.close()
    }

    private static func writeRSS(_ indices: Range<Int>, generator: ArticleGenerator, to sink: FileSink) throws {
        let source = ArticleGenerator.source
        try sink.write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel>
            <title>\(escaped(source.title))</title>
            <link>\(escaped(source.siteURL ?? ""))</link>
            <description>Generated articles for reader-bench</description>

            """)
        for index in indices {
            let article = generator.article(index)
            try sink.write("""
                <item>
                <title>\(escaped(article.title))</title>
                <link>\(escaped(article.url))</link>
                <guid isPermaLink="true">\(escaped(article.guid))</guid>
                <pubDate>\(rfc822(article.published))</pubDate>
                <dc:creator>\(escaped(article.author))</dc:creator>
                <description>\(escaped(article.summary))</description>
                <content:encoded><![CDATA[\(article.html)]]></content:encoded>
                </item>

                """)
        }
        try sink.write("</channel>\n</rss>\n")
    }

    /// The plain-text bundle `BundleReader` reads: title, standfirst, byline and source
    /// lines, then paragraphs separated by blank lines.
    private static func writeBundle(_ indices: Range<Int>, generator: ArticleGenerator, to sink: FileSink) throws {
        for index in indices {
            let article = generator.article(index)
            try sink.write(article.title + "\n" + article.summary + "\nBy " + article.author
                + "\nSource: " + ArticleGenerator.source.title + "\n\n"
                + article.paragraphs.joined(separator: "\n\n") + "\n\n")
        }
    }

    private static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") })
        else { return text }
        return text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// `Thu, 01 Jan 2026 00:00:00 +0000`, from the store's own timestamp form.
    private static func rfc822(_ date: Date) -> String {
        let stamp = Array(Timestamp.format(date).utf8)  // 2026-01-01T00:00:00.000Z
        func field(_ from: Int, _ count: Int) -> String { String(decoding: stamp[from..<(from + count)], as: UTF8.self) }
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let weekday = weekdays[((days % 7) + 7 + 4) % 7]  // 1970-01-01 was a Thursday
        let month = months[(Int(field(5, 2)) ?? 1) - 1]
        return "\(weekday), \(field(8, 2)) \(month) \(field(0, 4)) \(field(11, 8)) +0000"
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

/// A file written through C stdio's buffer.
final class FileSink {
    private let path: String
    private var file: UnsafeMutablePointer<FILE>?
    private var bytes = 0

    init(path: String) throws {
        self.path = path
        guard let file = fopen(path, "w") else {
            throw BenchError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
    }

    deinit {
        if let file { fclose(file) }
    }

    func write(_ text: String) throws {
        var text = text
        let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == text.utf8.count else {
            throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        bytes += written
    }

    /// Flushes and closes the file; returns how many bytes were written.
    func close() throws -> Int {
        defer { file = nil }
        guard let file, fclose(file) == 0 else {
            throw BenchError("cannot finish writing \(path): \(String(cString: strerror(errno)))")
        }
        return bytes
    }
}
