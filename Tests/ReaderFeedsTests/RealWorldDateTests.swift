import Foundation
@testable import ReaderFeeds
import ReaderModels
import Testing

@Suite struct RealWorldDateTests {
    @Test(arguments: [
        ("Tue, 01 Mar 2022 10:00:00 GMT+0200", "2022-03-01T08:00:00.000Z"),
        ("2020/1/10 14:33:00", "2020-01-10T14:33:00.000Z"),
        ("2020/01/10", "2020-01-10T00:00:00.000Z"),
        ("Tue, 01 Mar 2022 10:00:00 ET", "2022-03-01T15:00:00.000Z"),
        ("Tue, 01 Mar 2022 10:00:00 PT", "2022-03-01T18:00:00.000Z"),
        ("Tue, 01 Mar 2022 10:00:00 MET", "2022-03-01T09:00:00.000Z"),
        ("Fri, 01 Jul 2022 10:00:00 MEST", "2022-07-01T08:00:00.000Z"),
        ("Tue, 01 Mar 2022 10:00:00 IST", "2022-03-01T04:30:00.000Z"),
        ("Tue, 01 Mar 2022 10:00:00 Etc/GMT", "2022-03-01T10:00:00.000Z"),
        ("2022-03-01 10:00:00 -05:00", "2022-03-01T15:00:00.000Z"),
        ("2022-03", "2022-03-01T00:00:00.000Z"),
        ("Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37.000Z"),
        ("Tue Mar 01 2022 10:00:00 GMT+0100 (Central European Standard Time)", "2022-03-01T09:00:00.000Z"),
    ])
    func readsARealWorldForm(_ text: String, _ expected: String) {
        #expect(FeedDate.parse(text).map(Timestamp.format) == expected)
    }

    @Test(arguments: ["2022-03-01 10:00:00 bogus", "2022/13/01", "2022-03x", "Tue, 01 Mar 2022 10:00:00 GMT+zz"])
    func refusesWhatItCannotReadRatherThanGuess(_ text: String) {
        #expect(FeedDate.parse(text) == nil)
    }
}
