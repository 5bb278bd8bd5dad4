import ReaderModels

/// What the load's devices were told the server kept, and the check that the server's
/// database still holds all of it at the end (issue 15 §5: "every acknowledged mutation is
/// in the database").
///
/// A mutation is acknowledged when the server answered its push with 200 and a result that
/// is not `rejected`. What it leaves behind depends on the entity:
///
/// - a note is edited by the one device that created it, each edit on the revision the
///   previous answer gave, so the note's last acknowledged answer (body and revision) is
///   exactly what the database must hold;
/// - an article's read, starred and progress fields are set by both devices of a user, last
///   writer wins by clock stamp: a field's stored stamp must be at least the largest stamp
///   acknowledged for it, and where the two are equal (the same mutation, since a stamp
///   names its device) the stored value must be the acknowledged one.
///
/// The check is a pure function of the ledger and what was pulled back, so the benchmark
/// also runs it on a ledger with a mutation that was never sent, which it must report lost
/// (`LoadBench` fails if it does not: a loss check that cannot fail proves nothing).
struct LoadLedger: Sendable {
    /// The last acknowledged answer for a note.
    struct NoteAck: Sendable, Equatable {
        var body: String
        var revision: Int
    }

    /// The largest acknowledged stamp of one field of one article's state, and its value.
    struct FieldAck: Sendable, Equatable {
        var hlc: HLC
        var value: JSONValue
    }

    /// One article's state field, for one user.
    struct FieldKey: Hashable, Sendable {
        var articleID: String
        var field: String
    }

    var notes: [String: NoteAck] = [:]
    var fields: [FieldKey: FieldAck] = [:]
    /// How many mutations were acknowledged.
    var acknowledged = 0

    /// Records an acknowledged note answer; a later one replaces it (one device edits a note,
    /// one push at a time, so answers arrive in order).
    mutating func noteAnswered(_ record: NoteRecord) {
        notes[record.id] = NoteAck(body: record.body, revision: record.revision)
    }

    /// Records an acknowledged state field set with `hlc`.
    mutating func fieldSet(article: String, field: String, value: JSONValue, hlc: HLC) {
        let key = FieldKey(articleID: article, field: field)
        if let known = fields[key], known.hlc >= hlc { return }
        fields[key] = FieldAck(hlc: hlc, value: value)
    }

    /// Folds another device's ledger of the same user into this one.
    mutating func merge(_ other: LoadLedger) {
        for (id, ack) in other.notes { notes[id] = ack }
        for (key, ack) in other.fields { fieldSet(article: key.articleID, field: key.field, value: ack.value, hlc: ack.hlc) }
        acknowledged += other.acknowledged
    }

    /// What the server holds for one user, pulled from the start of the feed.
    struct Stored: Sendable {
        var notes: [String: NoteRecord] = [:]
        var states: [String: ArticleStateRecord] = [:]

        /// Applies a pulled change (a later one replaces an earlier; a tombstone removes).
        mutating func apply(_ change: Change) {
            switch change {
            case .note(let record): notes[record.id] = record
            case .articleState(let record): states[record.articleID] = record
            case .tombstone(.note, let id): notes[id] = nil
            case .tombstone(.articleState, let id): states[id] = nil
            default: break
            }
        }
    }

    /// One line per acknowledged mutation whose effect the database no longer holds; empty
    /// when nothing is lost.
    func losses(in stored: Stored) -> [String] {
        var lost: [String] = []
        for (id, ack) in notes.sorted(by: { $0.key < $1.key }) {
            guard let record = stored.notes[id] else {
                lost.append("note \(id): acknowledged at revision \(ack.revision), missing from the database")
                continue
            }
            if record.body != ack.body || record.revision != ack.revision {
                lost.append("note \(id): acknowledged revision \(ack.revision), the database holds revision \(record.revision) with other text")
            }
        }
        for (key, ack) in fields.sorted(by: { ($0.key.articleID, $0.key.field) < ($1.key.articleID, $1.key.field) }) {
            guard let state = stored.states[key.articleID] else {
                lost.append("article \(key.articleID) \(key.field): acknowledged at \(ack.hlc), no state in the database")
                continue
            }
            let (hlc, value) = Self.field(key.field, of: state)
            guard let hlc, hlc >= ack.hlc else {
                lost.append("article \(key.articleID) \(key.field): acknowledged at \(ack.hlc), the database's stamp is \(hlc.map(String.init(describing:)) ?? "none")")
                continue
            }
            if hlc == ack.hlc, value != ack.value {
                lost.append("article \(key.articleID) \(key.field): acknowledged \(ack.value) at \(ack.hlc), the database holds \(value) with that stamp")
            }
        }
        return lost
    }

    /// A state field's stamp and value, as the wire carries the value.
    private static func field(_ name: String, of state: ArticleStateRecord) -> (HLC?, JSONValue) {
        switch name {
        case "read": (state.hlc.read, .bool(state.read))
        case "starred": (state.hlc.starred, .bool(state.starred))
        case "progress": (state.hlc.progress, .number(state.progress))
        default: (state.hlc.tags, .array(state.tags.map { .string($0) }))
        }
    }
}
