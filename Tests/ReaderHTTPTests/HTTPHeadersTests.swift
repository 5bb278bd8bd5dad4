import ReaderHTTP
import Testing

@Suite struct HTTPHeadersTests {
    @Test func looksUpNamesCaseInsensitively() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "set-cookie": "a=1", "Set-Cookie": "b=2"]
        #expect(headers["content-type"] == "text/plain")
        #expect(headers.values(for: "SET-COOKIE") == ["a=1", "b=2"])
        #expect(headers.contains("Content-TYPE"))
        headers["SET-cookie"] = "c=3"
        #expect(headers.values(for: "Set-Cookie") == ["c=3"])
        headers["content-type"] = nil
        #expect(!headers.contains("Content-Type"))
        #expect(headers.count == 1)
    }

    @Test func keepsOrderOfAddedFields() {
        var headers = HTTPHeaders()
        headers.add("Link", "<a>")
        headers.add("X", "1")
        headers.add("link", "<b>")
        #expect(headers.map(\.name) == ["Link", "X", "link"])
        #expect(headers.values(for: "Link") == ["<a>", "<b>"])
    }
}
