@testable import ReaderFeeds
import ReaderModels
import Testing

@Suite struct FeedDateTests {
    private func parsed(_ text: String) -> String? {
        FeedDate.parse(text).map(Timestamp.format)
    }

    @Test(arguments: [
        ("Tue, 03 Mar 2026 08:15:00 GMT", "2026-03-03T08:15:00.000Z"),
        ("Tue, 03 Mar 2026 08:15:00 +0100", "2026-03-03T07:15:00.000Z"),
        ("Tue, 03 Mar 2026 08:15:00 -0530", "2026-03-03T13:45:00.000Z"),
        ("Tue, 03 Mar 2026 08:15:00 EST", "2026-03-03T13:15:00.000Z"),
        ("Sun, 01 Mar 2026 23:30:00 PDT", "2026-03-02T06:30:00.000Z"),
        ("3 Mar 2026 08:15 UT", "2026-03-03T08:15:00.000Z"),
        ("Tuesday, 3 March 26 08:15:00 Z", "2026-03-03T08:15:00.000Z"),
        ("tue, 03 mar 2026 08:15:00 gmt", "2026-03-03T08:15:00.000Z"),
        ("  Tue, 03 Mar 2026 08:15:00  ", "2026-03-03T08:15:00.000Z"),
        ("03 Mar 2026", "2026-03-03T00:00:00.000Z"),
    ])
    func parsesRFC822(text: String, expected: String) {
        #expect(parsed(text) == expected)
    }

    @Test(arguments: [
        ("2026-03-03T08:15:00Z", "2026-03-03T08:15:00.000Z"),
        ("2026-03-03T08:15:00.123Z", "2026-03-03T08:15:00.123Z"),
        ("2026-03-03t08:15:00.5z", "2026-03-03T08:15:00.500Z"),
        ("2026-03-03T09:15:00+01:00", "2026-03-03T08:15:00.000Z"),
        ("2026-03-03T03:15:00-0500", "2026-03-03T08:15:00.000Z"),
        ("2026-03-03 08:15:00", "2026-03-03T08:15:00.000Z"),
        ("2026-03-03T08:15Z", "2026-03-03T08:15:00.000Z"),
        ("2026-03-03", "2026-03-03T00:00:00.000Z"),
        ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00.000Z"),
    ])
    func parsesRFC3339(text: String, expected: String) {
        #expect(parsed(text) == expected)
    }

    @Test(arguments: [
        "", "sometime next week", "Tue, 03 Foo 2026 08:15:00 GMT", "Tue, 03 Mar 2026 08:15:00 XYZ",
        "31 Feb 2026 10:00 GMT", "2026-02-29T10:00:00Z", "2026-13-01T00:00:00Z", "2026-03-03T25:00:00Z",
        "2026-03-03T08:61:00Z", "2026-03-3", "Tue, 03 Mar 2026 8",
    ])
    func returnsNilForWhatItCannotRead(text: String) {
        #expect(FeedDate.parse(text) == nil)
    }
}
