import Foundation
import ReaderModels
import Testing

@Suite struct WireTests {
    static let stamp = HLC(wallMillis: 1_764_000_000_000, counter: 7, node: "device-a")
    static let source = SourceRecord(id: "0123456789ab", key: "https://x/feed", kind: .rss, title: "X", siteURL: "https://x/", feedURL: nil)
    static let article = ArticleRecord(
        id: "0123456789abcdef", sourceID: "0123456789ab", guid: "g", url: "https://x/1", title: "T", author: nil,
        publishedAt: "2026-11-24T10:00:00.000Z", updatedAt: nil, summary: "s", html: "<p>h</p>", text: "h",
        contentHash: String(repeating: "0", count: 64), firstSeenAt: "2026-11-24T10:00:00.000Z"
    )
    static let state = ArticleStateRecord(
        articleID: "0123456789abcdef", read: true, starred: false, progress: 0.5, tags: ["a"], hlc: StateStamps(read: stamp, progress: stamp)
    )
    static let note = NoteRecord(
        id: "n", articleID: "0123456789abcdef", anchor: TextQuoteSelector(exact: "h", prefix: "", suffix: ""), body: "b",
        createdAt: "2026-11-24T10:00:00.000Z", updatedAt: "2026-11-24T10:00:00.000Z", revision: 1, conflicted: false,
        bodyHLC: stamp, anchorHLC: stamp
    )
    static let subscription = SubscriptionRecord(url: "https://x/feed", title: nil, tags: [], subscribed: true, hlc: stamp)

    private func roundTrip<Value: Codable & Equatable>(_ value: Value) throws {
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(Value.self, from: data) == value, "\(String(decoding: data, as: UTF8.self))")
    }

    @Test func recordsRoundTrip() throws {
        try roundTrip(Self.source)
        try roundTrip(Self.article)
        try roundTrip(Self.state)
        try roundTrip(Self.note)
        try roundTrip(Self.subscription)
        try roundTrip(Self.stamp)
        try roundTrip(WhoAmI(user: "ada", serverVersion: "0.1.0", maxBatch: 500, maxPage: 1000, serverHLC: Self.stamp))
        try roundTrip(APIErrorEnvelope(error: APIErrorBody(code: .cursorExpired, message: "start again")))
    }

    @Test func changePagesRoundTripWithEveryKindOfChange() throws {
        let changes: [Change] = [
            .source(Self.source), .article(Self.article), .articleState(Self.state), .note(Self.note),
            .subscription(Self.subscription), .tombstone(.note, id: "gone"),
        ]
        let page = ChangePage(
            changes: changes.enumerated().map { SequencedChange(seq: Int64($0.offset + 1), change: $0.element) },
            nextCursor: "6", hasMore: false, serverHLC: Self.stamp
        )
        try roundTrip(page)
        let tombstone = try JSONEncoder().encode(SequencedChange(seq: 9, change: .tombstone(.note, id: "gone")))
        #expect(!String(decoding: tombstone, as: UTF8.self).contains("record"))
    }

    @Test func pushesRoundTrip() throws {
        let mutation = WireMutation(
            id: "m1", entity: .note, entityID: "n", op: .update, baseRevision: 3,
            fields: ["body": .string("b"), "anchor": .null, "tags": .array([.string("x")]), "progress": .number(0.5), "read": .bool(true)],
            hlc: Self.stamp
        )
        try roundTrip(PushRequest(clientID: "device-a", mutations: [mutation]))
        let results = [
            MutationResult(mutationID: "1", status: .applied, outcome: .note(Self.note), error: nil),
            MutationResult(mutationID: "2", status: .merged, outcome: .noteDeleted(id: "n"), error: nil),
            MutationResult(mutationID: "3", status: .keptBoth, outcome: .note(Self.note), error: nil),
            MutationResult(mutationID: "4", status: .applied, outcome: .articleState(Self.state), error: nil),
            MutationResult(mutationID: "5", status: .merged, outcome: .subscription(Self.subscription), error: nil),
            MutationResult(mutationID: "6", status: .rejected, outcome: nil, error: APIErrorBody(code: .unknownArticle, message: "no")),
        ]
        try roundTrip(PushResponse(results: results, serverHLC: Self.stamp))
    }

    @Test func aChangeWhoseIDDiffersFromItsRecordIsRefused() {
        let json = #"{"seq":1,"entity":"source","id":"other","deleted":false,"record":{"id":"0123456789ab","key":"k","kind":"rss","title":"t"}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SequencedChange.self, from: Data(json.utf8)) }
    }

    @Test func malformedStampsAreRefused() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(HLC.self, from: Data(#""yesterday""#.utf8)) }
    }
}
