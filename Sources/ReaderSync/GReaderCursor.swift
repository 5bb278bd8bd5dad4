import Foundation

/// Where a GReader pull stands, written into the engine's opaque cursor so that a sync
/// killed between pages carries on where it stopped.
///
/// One sync walks three steps, each applied with its cursor in one transaction:
/// subscriptions, then the new items of the reading list (`ot` and continuation, one page
/// of ids at a time), then a reconciliation of the read and starred state of the items
/// the device already holds. `since` is the service's crawl time (seconds) of the newest
/// item the previous sync saw; `ot` is asked a margin before it.
enum GReaderCursor: Equatable, Sendable {
    /// A sync is over; the next one asks for items crawled from about `since` on (0: all).
    case done(since: Int64)
    /// Pulling items crawled from `since`; `newest` is the newest crawl time seen so far
    /// in this sync, `continuation` the service's token for the page to read, `pages`
    /// how many pages of ids this pass has read (bounded by
    /// `GReaderSyncBackend.maxItemPages`, so a service cannot page for ever), and `skip`
    /// how many ids of that page were already applied (a page cut short by its bytes).
    case items(since: Int64, newest: Int64, continuation: String?, pages: Int = 0, skip: Int = 0)
    /// Reconciling read and starred state; the next sync starts from `newest`.
    case reconcile(newest: Int64)

    /// The longest continuation kept (real ones are a number or a short token); the
    /// cursor's text must fit `WireLimits.maxIDBytes` with a page count of up to 6 digits and a skip of up to 4.
    static let maxContinuationBytes = 51
    /// The most digits of a page count a cursor holds.
    static let maxPageDigits = 6

    var text: String {
        switch self {
        case .done(let since): "gr1.d.\(since)"
        case .items(let since, let newest, let continuation, let pages, let skip):
            "gr1.j.\(since).\(newest).\(pages).\(skip)" + (continuation.map { "." + Self.encode($0) } ?? "")
        case .reconcile(let newest): "gr1.r.\(newest)"
        }
    }

    /// Parses a cursor this backend wrote; nil for anything else (a native cursor from
    /// before the account changed, say), which starts over.
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts[0] == "gr1", let first = Int64(parts[2]), first >= 0 else { return nil }
        switch (parts[1], parts.count) {
        case ("d", 3): self = .done(since: first)
        case ("r", 3): self = .reconcile(newest: first)
        case ("i", 4), ("i", 5):
            guard let newest = Int64(parts[3]), newest >= 0 else { return nil }
            var continuation: String?
            if parts.count == 5 {
                guard let decoded = Self.decode(parts[4]) else { return nil }
                continuation = decoded
            }
            self = .items(since: first, newest: newest, continuation: continuation)
        case ("j", 6), ("j", 7):
            // Written with a page count and skip since those came in; "i" is read as 0 and 0.
            guard let newest = Int64(parts[3]), newest >= 0, parts[4].count <= Self.maxPageDigits, parts[5].count <= 4,
                  let pages = Int(parts[4]), pages >= 0, let skip = Int(parts[5]), skip >= 0 else { return nil }
            var continuation: String?
            if parts.count == 7 {
                guard let decoded = Self.decode(parts[6]) else { return nil }
                continuation = decoded
            }
            self = .items(since: first, newest: newest, continuation: continuation, pages: pages, skip: skip)
        default: return nil
        }
    }

    /// Base64url without padding: the cursor's characters are `WireText.isID`'s.
    private static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ text: String) -> String? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
