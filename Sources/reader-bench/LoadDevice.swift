import Foundation
import ReaderCurl
import ReaderHTTP
import ReaderModels

/// One simulated device of `reader-bench load`: a token, a client id, a cursor, a clock, the
/// notes it wrote and the article ids of its library, speaking the native sync API (`/v1`)
/// over the package's own libcurl client, as `NativeSyncBackend` does.
///
/// Why not a whole `ReaderStore` and `SyncEngine` per device: 200 SQLite databases applying
/// every page, on the same two cores as the server, would measure the clients, not the
/// server. A device here keeps only what the protocol needs (the cursor, the revision each
/// note is at, the batch not yet answered) and decodes a page's heads, not its records. The
/// requests are the ones a real device sends, in the same order: a sync pushes the pending
/// batch, then pulls from its cursor until `has_more` is false.
struct LoadDevice {
    /// The three kinds of request the figures are split by.
    enum Kind: String, CaseIterable, Sendable {
        /// `GET /v1/changes` that brought at least one change.
        case pull
        /// `POST /v1/mutations`.
        case push
        /// `GET /v1/changes` at the device's cursor that brought nothing: a sync with nothing
        /// to push and nothing new, what most syncs of an idle device are.
        case noop = "no-op sync"
    }

    /// Where the device talks and who it is.
    struct Identity: Sendable {
        var index: Int
        var base: URL
        var token: String
        var client: CurlHTTPClient
        var clientID: String { "ld\(index)" }
    }

    /// What a device brings back from its run.
    struct Outcome: Sendable {
        var latencies: [Kind: [Double]] = [:]
        /// Failed requests and rejected mutations, by a short description.
        var errors: [String: Int] = [:]
        var ledger = LoadLedger()
        /// Mutations still unanswered when the device gave up at the end.
        var unacknowledged = 0
    }

    let identity: Identity
    private var articles: [String] = []
    private var cursor = "0"
    private var clock: HybridClock
    private var random: SplitMix64
    /// The revision each of this device's notes is at, by the last answer.
    private var noteRevisions: [String: Int] = [:]
    private var notesCreated = 0
    private var edits = 0
    /// The batch sent and not yet answered: sent again, byte for byte, at the next push.
    private var pending: (body: [UInt8], mutations: [WireMutation])?
    private(set) var outcome = Outcome()

    /// The notes a device keeps editing; beyond them it edits the ones it has.
    static let notesPerDevice = 3
    static let timeouts = HTTPTimeouts(connect: .seconds(10), total: .seconds(60))

    init(_ identity: Identity, seed: UInt64) {
        self.identity = identity
        clock = HybridClock(node: identity.clientID)
        random = SplitMix64(seed: seed, index: identity.index)
    }

    // MARK: The phases of a run

    /// The first sync (pulls the whole library, untimed): learns the article ids. Returns
    /// how many articles the library holds.
    mutating func firstSync() async throws -> Int {
        while true {
            let page = try await pullPage(record: false)
            for change in page.changes where change.entity == "article" && !change.deleted { articles.append(change.id) }
            if !page.hasMore { break }
        }
        return articles.count
    }

    /// Syncs until `deadline`, a random pause of about `pause` before each sync; a share
    /// `editShare` of syncs first push a few edits. Then sends any unanswered batch again
    /// (a few times) so that every edit made is answered or counted as unanswered.
    mutating func run(until deadline: ContinuousClock.Instant, pause: Duration, editShare: Double) async {
        // Devices start spread over one pause, not all at the same instant.
        try? await Task.sleep(for: pause * random.unit())
        while ContinuousClock.now < deadline {
            if pending == nil, random.chance(editShare), !articles.isEmpty { makeEdits() }
            await sync()
            try? await Task.sleep(for: pause * (0.5 + random.unit()))
        }
        var tries = 0
        while pending != nil, tries < 5 {
            tries += 1
            await push(record: false)
            if pending != nil { try? await Task.sleep(for: .seconds(1)) }
        }
        outcome.unacknowledged = pending?.mutations.count ?? 0
    }

    /// One sync: the pending batch, then pages until the end of the feed.
    private mutating func sync() async {
        if pending != nil { await push(record: true) }
        do {
            while try await pullPage(record: true).hasMore {}
        } catch {
            count("pull: \(Self.describe(error))")
        }
    }

    // MARK: Edits

    /// One to four mutations: a note created or edited (at most one per note in a batch,
    /// as the client sends), and article state fields set on articles of the library that
    /// the user's other device edits too.
    private mutating func makeEdits() {
        var mutations: [WireMutation] = []
        let wall = Int64(Date().timeIntervalSince1970 * 1000)
        if random.chance(0.5) {
            edits += 1
            if notesCreated < Self.notesPerDevice {
                let id = "\(identity.clientID)-n\(notesCreated)"
                notesCreated += 1
                let article = articles[random.int(in: 0..<articles.count)]
                mutations.append(WireMutation(
                    id: "\(identity.clientID)-m\(edits)", entity: .note, entityID: id, op: .create, baseRevision: nil,
                    fields: [
                        "article_id": .string(article), "body": .string(Self.noteBody(id, edit: edits)),
                        "created_at": .string(Timestamp.format(millis: wall)), "anchor": .null,
                    ],
                    hlc: clock.tick(wallMillis: wall)
                ))
            } else if !noteRevisions.isEmpty,
                      let (id, revision) = noteRevisions.sorted(by: { $0.key < $1.key }).dropFirst(random.int(in: 0..<noteRevisions.count)).first
            {
                mutations.append(WireMutation(
                    id: "\(identity.clientID)-m\(edits)", entity: .note, entityID: id, op: .update, baseRevision: revision,
                    fields: ["body": .string(Self.noteBody(id, edit: edits))], hlc: clock.tick(wallMillis: wall)
                ))
            }
        }
        for _ in 0..<random.int(in: (mutations.isEmpty ? 1 : 0)...3) {
            edits += 1
            let article = articles[random.int(in: 0..<articles.count)]
            let field: (String, JSONValue) = switch random.int(in: 0..<3) {
            case 0: ("read", .bool(random.chance(0.5)))
            case 1: ("starred", .bool(random.chance(0.5)))
            default: ("progress", .number(Double(random.int(in: 0...4)) / 4))
            }
            mutations.append(WireMutation(
                id: "\(identity.clientID)-m\(edits)", entity: .articleState, entityID: article, op: .set, baseRevision: nil,
                fields: [field.0: field.1], hlc: clock.tick(wallMillis: wall)
            ))
        }
        guard let body = try? JSONEncoder().encode(PushRequest(clientID: identity.clientID, mutations: mutations)) else {
            count("push: cannot encode a batch")
            return
        }
        pending = (Array(body), mutations)
    }

    /// A note's text: a few lines, the last naming the edit.
    static func noteBody(_ id: String, edit: Int) -> String {
        "A note of \(id), written under load.\nIt has a second line.\nedit \(edit)"
    }

    // MARK: Requests

    /// Sends the pending batch; on an answer, records what each mutation left behind and
    /// clears it; on a failure, keeps it to send again.
    private mutating func push(record: Bool) async {
        guard let batch = pending else { return }
        var request = request("v1/mutations", method: .post, body: batch.body)
        request.idempotencyKey = (batch.mutations.first?.id ?? "") + "+\(batch.mutations.count)"
        let start = ContinuousClock.now
        let response: HTTPResponse
        do {
            response = try await identity.client.send(request, maxBodyBytes: 16 << 20)
        } catch {
            count("push: \(Self.describe(error))")
            return
        }
        if record { outcome.latencies[.push, default: []].append((ContinuousClock.now - start).seconds) }
        guard response.status == 200 else {
            count("push: status \(response.status)")
            return
        }
        guard let answer = try? JSONDecoder().decode(PushResponse.self, from: Data(response.body)),
              answer.results.map(\.mutationID) == batch.mutations.map(\.id)
        else {
            count("push: an answer that is not one result per mutation sent")
            return
        }
        pending = nil
        for (mutation, result) in zip(batch.mutations, answer.results) {
            guard result.status != .rejected else {
                count("push: mutation rejected (\(result.error?.code.rawValue ?? "no code"))")
                continue
            }
            outcome.ledger.acknowledged += 1
            switch result.outcome {
            case .note(let note):
                outcome.ledger.noteAnswered(note)
                noteRevisions[note.id] = note.revision
            case .articleState:
                for (name, value) in mutation.fields {
                    outcome.ledger.fieldSet(article: mutation.entityID, field: name, value: value, hlc: mutation.hlc)
                }
            default:
                count("push: an answer of another entity than the one sent")
            }
        }
    }

    /// One page from the cursor; moves the cursor. Timed as a pull when it brought changes,
    /// as a no-op sync when it brought none.
    private mutating func pullPage(record: Bool) async throws -> PageHeads {
        guard var components = URLComponents(url: identity.base.appending(path: "v1/changes"), resolvingAgainstBaseURL: false) else {
            throw BenchError("bad server URL \(identity.base)")
        }
        components.queryItems = [URLQueryItem(name: "since", value: cursor), URLQueryItem(name: "limit", value: "500")]
        guard let url = components.url else { throw BenchError("bad pull URL") }
        var request = request("", method: .get, body: nil)
        request.url = url
        let start = ContinuousClock.now
        let response = try await identity.client.send(request, maxBodyBytes: WireLimits.maxChangePageBytes)
        let seconds = (ContinuousClock.now - start).seconds
        guard response.status == 200 else { throw BenchError("status \(response.status)") }
        let page: PageHeads
        do {
            page = try JSONDecoder().decode(PageHeads.self, from: Data(response.body))
        } catch {
            throw BenchError("a page that cannot be read")
        }
        if record { outcome.latencies[page.changes.isEmpty ? .noop : .pull, default: []].append(seconds) }
        cursor = page.nextCursor
        return page
    }

    private func request(_ path: String, method: HTTPMethod, body: [UInt8]?) -> HTTPRequest {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(identity.token)", "Accept": "application/json"]
        if body != nil { headers["Content-Type"] = "application/json" }
        return HTTPRequest(
            url: identity.base.appending(path: path), method: method, headers: headers,
            body: body.map { .bytes($0) } ?? .none, timeouts: Self.timeouts
        )
    }

    private mutating func count(_ error: String) {
        outcome.errors[error, default: 0] += 1
    }

    /// A failure in a few words, the same words for the same failure (they are counted).
    static func describe(_ error: any Error) -> String {
        if let error = error as? BenchError { return error.description }
        return String(String(describing: error).prefix(80))
    }
}

/// A page of changes as far as a device under load reads it: the heads of its changes
/// (not their records, which a `ReaderStore` would apply) and where to go next.
struct PageHeads: Decodable {
    struct Head: Decodable {
        var entity: String
        var id: String
        var deleted: Bool
    }

    var changes: [Head]
    var nextCursor: String
    var hasMore: Bool

    enum CodingKeys: String, CodingKey {
        case changes, nextCursor = "next_cursor", hasMore = "has_more"
    }
}
