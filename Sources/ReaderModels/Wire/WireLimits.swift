/// Every size and character-set limit of the sync contract, in one place for the client,
/// the server and the schemas in `Schemas/json` (a test holds the schemas to these
/// numbers). Sizes are UTF-8 bytes. Text may hold any Unicode scalar, NUL included, unless
/// its rule says otherwise; ids never hold NUL, whitespace or other control characters.
///
/// The response caps at the bottom are derived from the field limits, so a legal page or
/// push answer always fits under them: no legal state can make a sync fail for good.
public enum WireLimits {
    // MARK: Ids

    /// Note ids, mutation ids and client (device) ids: 1 to 128 bytes of `idCharacters`.
    public static let maxIDBytes = 128
    /// The characters of a note, mutation or client id: ASCII letters, digits, `-`, `_`,
    /// `.`, `:` and `~` (a UUID fits; so does a URL-safe base64 id).
    public static let idCharacters = "A-Za-z0-9._:~-"
    /// An article id: 16 lower-case hex digits (`Fingerprint.articleID`).
    public static let articleIDLength = 16
    /// A source id: 12 lower-case hex digits.
    public static let sourceIDLength = 12
    /// A subscription's feed URL, which is also its id: 1 to 2,048 bytes, with no space or
    /// control character.
    public static let maxURLBytes = 2048
    /// A tag: 1 to 64 bytes, no control character.
    public static let maxTagBytes = 64
    /// Tags on one article or subscription.
    public static let maxTags = 32
    /// An HLC stamp's text: 16 digits, `-`, 4 hex digits, `-`, a node of up to 64 bytes.
    public static let maxHLCBytes = 22 + HLC.maxNodeBytes
    /// The largest note revision a mutation may name: 2^53 - 1, the largest whole number
    /// every JSON reader holds exactly.
    public static let maxRevision = 9_007_199_254_740_991
    /// An RFC 3339 timestamp as `Timestamp` writes it (`2026-11-25T09:30:00.000Z`).
    public static let timestampBytes = 24

    // MARK: Free text a user writes

    /// A note's text: 256 KiB. A merge whose result would be longer is refused
    /// (`too_long`), so a stored note never exceeds it either.
    public static let maxNoteBodyBytes = 262_144
    /// A note's quoted passage.
    public static let maxQuoteBytes = 4096
    /// The text kept either side of a quoted passage.
    public static let maxQuoteContextBytes = 256
    /// A subscription's title.
    public static let maxSubscriptionTitleBytes = 1024

    // MARK: Content the server publishes (longer fields are cut at a character boundary)

    /// An article's or a source's title.
    public static let maxTitleBytes = 2048
    /// An article's author.
    public static let maxAuthorBytes = 1024
    /// An article's guid, or a source's key.
    public static let maxGUIDBytes = 2048
    /// An article's summary.
    public static let maxSummaryBytes = 65_536
    /// An article's sanitised HTML: 1 MiB.
    public static let maxHTMLBytes = 1_048_576
    /// An article's plain text: 512 KiB.
    public static let maxArticleTextBytes = 524_288

    // MARK: Messages

    /// The server stops adding changes to a page once its JSON would pass this (4 MiB);
    /// a page always carries at least one change, so one large change may pass it alone.
    public static let pageBudgetBytes = 4 << 20
    /// The most mutations in one push.
    public static let maxPushMutations = 500
    /// The largest push request body the server reads (8 MiB).
    public static let maxPushBodyBytes = 8 << 20
    /// A client puts at most this many bytes of mutation fields in one push (half the
    /// body limit, leaving room for every mutation's envelope).
    public static let pushFieldsBudgetBytes = 4 << 20
    /// A client puts at most this many note mutations in one push: each one's answer
    /// carries the whole note, which bounds the answer.
    public static let maxNoteMutationsPerPush = 32

    /// JSON escapes a control character as `\u00XX`: six bytes for one. Worst cases below
    /// assume every byte of text is one.
    static let escapeFactor = 6
    /// Room for member names, numbers, booleans and punctuation of one record.
    static let recordOverheadBytes = 1024

    /// The longest JSON of one note record (a pulled change or a push result).
    public static let maxNoteJSONBytes = escapeFactor * (
        maxIDBytes + articleIDLength + maxNoteBodyBytes + maxQuoteBytes + 2 * maxQuoteContextBytes
            + 2 * timestampBytes + 2 * maxHLCBytes
    ) + recordOverheadBytes
    /// The longest JSON of one article record.
    public static let maxArticleJSONBytes = escapeFactor * (
        articleIDLength + sourceIDLength + maxGUIDBytes + maxURLBytes + maxTitleBytes + maxAuthorBytes
            + maxSummaryBytes + maxHTMLBytes + maxArticleTextBytes + 64 + 3 * timestampBytes
    ) + recordOverheadBytes
    /// The longest JSON of an article state or a subscription record (a pulled change or a
    /// push result).
    public static let maxSmallRecordJSONBytes = escapeFactor * (
        maxURLBytes + maxSubscriptionTitleBytes + maxTags * maxTagBytes + 4 * maxHLCBytes
    ) + recordOverheadBytes
    /// The longest JSON of a source record.
    public static let maxSourceJSONBytes = escapeFactor * (sourceIDLength + maxGUIDBytes + maxTitleBytes + 2 * maxURLBytes)
        + recordOverheadBytes
    /// The longest JSON of one change of the feed, with its envelope (seq, entity, id).
    public static let maxChangeJSONBytes = max(maxNoteJSONBytes, maxArticleJSONBytes, maxSmallRecordJSONBytes, maxSourceJSONBytes)
        + escapeFactor * maxURLBytes + 128
    /// The largest change page a server may send: the budget, or one change alone over it,
    /// plus the page's own members. The client's response cap for pulls (about 9.5 MiB).
    public static let maxChangePageBytes = max(pageBudgetBytes, maxChangeJSONBytes) + 256 + maxHLCBytes
    /// One push result's envelope around its record (mutation id, status, entity id, error).
    static let resultOverheadBytes = 512 + escapeFactor * (maxIDBytes + maxURLBytes)

    /// The largest answer to a push of `notes` note mutations and `others` others: the
    /// client's response cap for that push.
    package static func maxPushResponseBytes(notes: Int, others: Int) -> Int {
        notes * (maxNoteJSONBytes + resultOverheadBytes) + others * (maxSmallRecordJSONBytes + resultOverheadBytes)
            + 256 + maxHLCBytes
    }

    /// The largest answer to any push a client makes (`maxNoteMutationsPerPush` notes in a
    /// batch of `maxPushMutations`).
    package static let maxPushResponseBytes = maxPushResponseBytes(
        notes: maxNoteMutationsPerPush, others: maxPushMutations - maxNoteMutationsPerPush
    )
}
