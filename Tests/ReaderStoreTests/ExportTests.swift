import Foundation
import ReaderModels
@testable import ReaderStore
import Testing

@Suite struct ExportTests {
    /// Two databases that reach the same state by different paths export the same bytes.
    @Test func sameStateExportsIdenticalBytes() throws {
        let one = try TestStore()
        let two = try TestStore(start: Date(timeIntervalSince1970: 1_800_000_000))
        let articles: [(title: String, text: String)] = [("Tide tables", "High water at noon."), ("Night market", "Stalls open at dusk.")]
        let ids = try one.seed(articles)
        try two.seed(articles)

        try one.store.markRead([ids[0], ids[1]], true)
        try one.store.markStarred([ids[1]], true)
        try one.store.apply(.setTags(articleID: ids[0], tags: ["sea", "weather"]))

        try two.store.apply(.setTags(articleID: ids[0], tags: ["weather", "sea", "sea"]))
        try two.store.markStarred([ids[1]], true)
        try two.store.markRead([ids[1]], false)
        try two.store.markRead([ids[1], ids[0]], true)

        let a = try one.store.exportUserState().canonicalJSON()
        let b = try two.store.exportUserState().canonicalJSON()
        #expect(a == b)
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.contains(#""content_hash" : "#))
        #expect(text.hasSuffix("}\n"))
    }

    @Test func emptyArraysAndObjectsPrintAsABracePair() throws {
        let empty = String(decoding: try TestStore().store.exportUserState().canonicalJSON(), as: UTF8.self)
        #expect(empty == """
            {
              "articles" : [],
              "format" : "reader-export/1",
              "notes" : [],
              "subscriptions" : []
            }

            """)
        struct Nested: Encodable {
            var lists: [[Int]] = [[], [1]]
            var map: [String: [String]] = ["none": [], "text": ["[\n\n]", "{ }"]]
            var object: [String: Int] = [:]
        }
        let nested = String(decoding: try CanonicalJSON.encode(Nested()), as: UTF8.self)
        #expect(nested.contains(#""object" : {}"#))
        #expect(nested.contains(#""none" : []"#))
        #expect(nested.contains(#""[\n\n]","#), "a string that looks like an empty array is kept as it was")
        #expect(nested.contains(#""{ }""#))
        let decoded = try JSONSerialization.jsonObject(with: Data(nested.utf8)) as? [String: Any]
        #expect((decoded?["lists"] as? [[Int]]) == [[], [1]])
    }

    @Test func exportHoldsLiveNotesAndSubscriptionsOnly() throws {
        let test = try TestStore()
        let id = try test.seed([("Tide tables", "High water at noon.")])[0]
        let kept = try test.store.addNote(articleID: id, body: "bring boots", quote: "High water")
        let gone = try test.store.addNote(articleID: id, body: "scratch")
        try test.store.deleteNote(id: gone.id)
        try test.store.apply(.subscribe(url: "https://b.example/feed", title: "B", tags: []))
        try test.store.apply(.subscribe(url: "https://a.example/feed", title: "A", tags: ["news"]))
        try test.store.apply(.unsubscribe(url: "https://b.example/feed"))
        let export = try test.store.exportUserState()
        #expect(export.notes.map(\.id) == [kept.id])
        #expect(export.notes.first?.anchor?.exact == "High water")
        #expect(export.subscriptions == [Subscription(url: "https://a.example/feed", title: "A", tags: ["news"])])
    }

    @Test func notesExportAsMarkdownWithQuotes() throws {
        let test = try TestStore()
        let id = try test.seed([("Tide tables", "High water at noon.")])[0]
        let note = try test.store.addNote(articleID: id, body: "bring boots", quote: "High water")
        let markdown = try test.store.notesMarkdown()
        #expect(markdown.contains("## Tide tables"))
        #expect(markdown.contains("> High water\n\nbring boots\n"))
        #expect(markdown.contains(note.id))
    }
}
