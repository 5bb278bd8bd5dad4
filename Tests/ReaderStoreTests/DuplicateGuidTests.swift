import Foundation
import ReaderModels
@testable import ReaderStore
import Testing

@Suite struct DuplicateGuidTests {
    /// A feed whose CMS repeats two guids with other text, as republished posts do.
    static let feed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel>
        <title>Harbour Log</title><link>https://harbour.example/</link>
        <item><guid>post-7</guid><title>Ferry timetable</title><description>Winter hours start Monday.</description></item>
        <item><guid>post-8</guid><title>Lighthouse open day</title><description>Tours every hour.</description></item>
        <item><guid>post-7</guid><title>Ferry timetable (updated)</title><description>Winter hours start Tuesday.</description></item>
        <item><guid>post-9</guid><title>Dredging</title><description>The channel closes for a week.</description></item>
        <item><guid>post-8</guid><title>Lighthouse open day</title><description>Tours every half hour.</description></item>
        </channel></rss>
        """

    @Test func keepsTheFirstOfARepeatedGuidAndReimportsWithoutChange() throws {
        let test = try TestStore()
        let path = try test.file("harbour.xml", Self.feed)
        let first = try test.store.importFile(at: path)
        #expect([first.new, first.updated, first.unchanged, first.duplicates] as [Int] == [3, 0, 0, 2])
        let articles = try test.store.articles().sorted { $0.title < $1.title }
        #expect(articles.map(\.title) == ["Dredging", "Ferry timetable", "Lighthouse open day"])
        #expect(try articles.map { try test.store.article(id: $0.id).text } == ["The channel closes for a week.", "Winter hours start Monday.", "Tours every hour."])

        let second = try test.store.importFile(at: path)
        #expect([second.new, second.updated, second.unchanged, second.duplicates] as [Int] == [0, 0, 3, 2])
        #expect(try test.count("SELECT count(*) FROM articles") == 3)
    }
}
