import Foundation
import ReaderHTTP
import Testing

@Suite struct HTTPDateTests {
    private let reference = Date(timeIntervalSince1970: 784_111_777)

    @Test(arguments: ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"])
    func parsesAllThreeForms(text: String) {
        #expect(HTTPDate.parse(text) == reference)
    }

    @Test func formatsIMFFixdate() {
        #expect(HTTPDate.format(reference) == "Sun, 06 Nov 1994 08:49:37 GMT")
        let leap = Date(timeIntervalSince1970: 951_782_400) // 2000-02-29
        #expect(HTTPDate.format(leap) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate.parse(HTTPDate.format(leap)) == leap)
    }

    @Test func rejectsGarbage() {
        #expect(HTTPDate.parse("yesterday") == nil)
        #expect(HTTPDate.parse("Sun, 32 Nov 1994 08:49:37 GMT") == nil)
    }

    @Test func readsRetryAfter() {
        #expect(RetryAfter.parse("120") == .seconds(120))
        #expect(RetryAfter.parse(" 0 ") == .zero)
        #expect(RetryAfter.parse(nil) == nil)
        #expect(RetryAfter.parse("-5") == nil)
        let later = HTTPDate.format(reference.addingTimeInterval(90))
        #expect(RetryAfter.parse(later, now: reference) == .seconds(90))
    }
}
