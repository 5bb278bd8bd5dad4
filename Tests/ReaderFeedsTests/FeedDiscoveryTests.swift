import ReaderFeeds
import Testing

@Suite struct FeedDiscoveryTests {
    @Test func findsAlternateFeedLinksInPageOrder() {
        let html = """
            <!DOCTYPE html><html><head><title>Bakery</title>
            <link rel="stylesheet" href="/site.css">
            <LINK REL="alternate" TYPE="application/rss+xml" TITLE="Specials &amp; news" HREF="/feed.rss">
            <link rel='alternate' type='application/atom+xml' href='https://bakery.example.com/atom'>
            <link rel="alternate" type="application/feed+json" href="feed.json">
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
            <link rel="alternate" type="application/rss+xml" href="/feed.rss">
            </head><body><link rel="alternate" type="application/rss+xml" href="/late.rss"></body></html>
            """
        let feeds = FeedDiscovery.feeds(inHTML: Array(html.utf8), pageURL: "https://bakery.example.com/shop/index.html")
        #expect(feeds.map(\.url) == [
            "https://bakery.example.com/feed.rss", "https://bakery.example.com/atom", "https://bakery.example.com/shop/feed.json",
        ])
        #expect(feeds.map(\.format) == [.rss, .atom, .jsonFeed])
        #expect(feeds[0].title == "Specials & news")
    }

    @Test func honoursBaseHref() {
        let html = "<head><base href=\"https://cdn.example.net/b/\"><link rel=\"alternate\" type=\"application/atom+xml\" href=\"a.xml\"></head>"
        #expect(FeedDiscovery.feeds(inHTML: Array(html.utf8), pageURL: "https://site.example/").map(\.url) == ["https://cdn.example.net/b/a.xml"])
    }
}
