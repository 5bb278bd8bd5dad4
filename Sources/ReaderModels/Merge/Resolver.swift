/// How a mutation is applied to the current version of its entity. Only the server runs
/// this, for every push; devices take the version it sends back. It is deterministic (it
/// reads no clock or randomness of its own), so the same inputs always give the same
/// answer, and it lives in the shared models so that tests, and any other server, apply
/// the very same rules.
public enum Resolver {
    /// Why a mutation cannot be applied.
    public struct Rejection: Error, Hashable, Sendable {
        public var code: APIErrorCode
        public var message: String

        public init(_ code: APIErrorCode, _ message: String) {
            self.code = code
            self.message = message
        }
    }

    // MARK: Article state

    /// Applies a `set` of state fields, each last writer wins by HLC.
    package static func applyState(
        _ fields: JSONObject, hlc: HLC, to current: ArticleStateRecord
    ) throws(Rejection) -> (ArticleStateRecord, MutationStatus) {
        guard !fields.isEmpty else { throw Rejection(.invalidMutation, "a state change names no field") }
        var state = current
        var lost = false
        for (name, value) in fields {
            switch name {
            case "read":
                guard let flag = value.boolValue else { throw invalid(name, "true or false") }
                if Self.wins(hlc, over: state.hlc.read) { state.read = flag; state.hlc.read = hlc } else { lost = true }
            case "starred":
                guard let flag = value.boolValue else { throw invalid(name, "true or false") }
                if Self.wins(hlc, over: state.hlc.starred) { state.starred = flag; state.hlc.starred = hlc } else { lost = true }
            case "progress":
                guard let number = value.numberValue, number >= 0, number <= 1 else { throw invalid(name, "a number from 0 to 1") }
                if Self.wins(hlc, over: state.hlc.progress) { state.progress = number; state.hlc.progress = hlc } else { lost = true }
            case "tags":
                guard let tags = value.stringArray else { throw invalid(name, "an array of strings") }
                if Self.wins(hlc, over: state.hlc.tags) { state.tags = Array(Set(tags)).sorted(); state.hlc.tags = hlc } else { lost = true }
            default:
                throw Rejection(.invalidMutation, "article state has no field \"\(name)\"")
            }
        }
        return (state, lost ? .merged : .applied)
    }

    // MARK: Subscriptions

    /// Applies a subscription `set`: the whole record, last writer wins by HLC.
    package static func applySubscription(
        _ fields: JSONObject, url: String, hlc: HLC, to current: SubscriptionRecord?
    ) throws(Rejection) -> (SubscriptionRecord, MutationStatus) {
        guard !url.isEmpty else { throw Rejection(.invalidMutation, "a subscription needs a feed URL") }
        guard let subscribed = fields["subscribed"]?.boolValue else { throw invalid("subscribed", "true or false") }
        let tags = fields["tags"].map { $0.stringArray } ?? []
        guard let tags else { throw invalid("tags", "an array of strings") }
        let title = fields["title"]?.stringValue
        if let current, !wins(hlc, over: current.hlc) { return (current, .merged) }
        let record = SubscriptionRecord(
            url: url, title: title ?? current?.title, tags: Array(Set(tags)).sorted(), subscribed: subscribed, hlc: hlc
        )
        return (record, .applied)
    }

    // MARK: Notes

    /// A note as the server keeps it: the record, and whether it is deleted (a deleted note
    /// keeps its text, so a later edit can bring it back).
    package struct StoredNote: Hashable, Sendable {
        package var record: NoteRecord
        package var deleted: Bool

        package init(record: NoteRecord, deleted: Bool) {
            self.record = record
            self.deleted = deleted
        }
    }

    /// What applying a note mutation came to. `changed` is false when the stored note is
    /// left as it was (no new revision is written).
    package struct NoteResult: Hashable, Sendable {
        package var note: StoredNote
        package var status: MutationStatus
        package var changed: Bool
    }

    /// Applies a note mutation.
    ///
    /// - Parameters:
    ///   - op: what the mutation does: `create`, `update` or `delete`.
    ///   - noteID: the note's id, as the device made it.
    ///   - fields: the fields the mutation sets (`body`, `anchor`, and for a create `article_id`).
    ///   - baseRevision: the revision the device made the edit on; nil or 0 before the
    ///     server had acknowledged the note's creation.
    ///   - hlc: the mutation's clock stamp.
    ///   - current: the stored note, or nil when the user has none with this id.
    ///   - baseBody: the text of the note at the mutation's base revision, when known.
    ///   - now: the time written as `updated_at`.
    package static func applyNote(
        op: MutationOp, noteID: String, fields: JSONObject, baseRevision: Int?, hlc: HLC,
        current: StoredNote?, baseBody: String?, now: String
    ) throws(Rejection) -> NoteResult {
        let baseRevision = effectiveBaseRevision(baseRevision)
        switch op {
        case .create:
            guard let articleID = fields["article_id"]?.stringValue else { throw invalid("article_id", "an article id") }
            guard let body = fields["body"]?.stringValue else { throw invalid("body", "text") }
            let anchor = try anchorField(fields["anchor"])
            if let current {
                // The id is taken: keep both texts rather than lose one.
                return try applyNote(
                    op: .update, noteID: noteID, fields: ["body": .string(body)], baseRevision: nil, hlc: hlc,
                    current: current, baseBody: "", now: now
                )
            }
            let createdAt = fields["created_at"]?.stringValue ?? now
            let record = NoteRecord(
                id: noteID, articleID: articleID, anchor: anchor ?? nil, body: body, createdAt: createdAt,
                updatedAt: now, revision: 1, conflicted: false, bodyHLC: hlc, anchorHLC: anchor == nil ? nil : hlc
            )
            return NoteResult(note: StoredNote(record: record, deleted: false), status: .applied, changed: true)

        case .update:
            guard let current else { throw Rejection(.unknownNote, "no note \(noteID)") }
            var record = current.record
            var status = MutationStatus.applied
            if let value = fields["body"] {
                guard let incoming = value.stringValue else { throw invalid("body", "text") }
                if baseRevision == record.revision {
                    record.body = incoming
                    record.conflicted = false
                } else {
                    let merged = TextMerge.merge(base: baseBody ?? "", record.body, incoming)
                    record.body = merged.text
                    if merged.conflicted {
                        record.conflicted = true
                        status = .keptBoth
                    } else {
                        status = .merged
                    }
                }
                record.bodyHLC = max(record.bodyHLC, hlc)
            }
            if let value = fields["anchor"] {
                let anchor = try anchorField(value)
                if wins(hlc, over: record.anchorHLC) {
                    record.anchor = anchor ?? nil
                    record.anchorHLC = hlc
                } else if status == .applied {
                    status = .merged
                }
            }
            // Keeping both texts can pass the limit the edits each kept: refused, not stored,
            // so no stored note is ever too long to sync.
            guard WireText.fits(record.body, WireLimits.maxNoteBodyBytes) else {
                throw Rejection(.tooLong, "the merged text would be over \(WireLimits.maxNoteBodyBytes) bytes; shorten the note and sync again")
            }
            if current.deleted, status == .applied { status = .merged }
            let changed = current.deleted || record != current.record
            if changed {
                record.revision = current.record.revision + 1
                record.updatedAt = now
            }
            return NoteResult(note: StoredNote(record: record, deleted: false), status: status, changed: changed)

        case .delete:
            guard let current, !current.deleted else {
                let gone = current ?? StoredNote(record: tombstoneRecord(noteID, hlc: hlc, now: now), deleted: true)
                return NoteResult(note: gone, status: .applied, changed: false)
            }
            // An edit the deleting device had not seen outlives the delete.
            if let baseRevision, baseRevision < current.record.revision, baseBody != current.record.body {
                return NoteResult(note: current, status: .merged, changed: false)
            }
            var record = current.record
            record.revision += 1
            record.updatedAt = now
            record.bodyHLC = max(record.bodyHLC, hlc)
            return NoteResult(note: StoredNote(record: record, deleted: true), status: .applied, changed: true)

        case .set:
            throw Rejection(.invalidMutation, "a note is changed by create, update or delete, not set")
        }
    }

    /// The revision a note mutation was really made on. A device that edits or deletes a
    /// note before the server acknowledged its creation sends base revision 0; the server
    /// stores the create, exactly as sent, as revision 1, so that is the base.
    package static func effectiveBaseRevision(_ sent: Int?) -> Int? {
        sent.map { max($0, 1) }
    }

    /// Whether a stamp beats the stamp a field holds (a field never set loses to anything).
    package static func wins(_ hlc: HLC, over current: HLC?) -> Bool {
        guard let current else { return true }
        return hlc > current
    }

    /// nil when the field is absent; .some(nil) when it is JSON null (no anchor).
    private static func anchorField(_ value: JSONValue?) throws(Rejection) -> TextQuoteSelector?? {
        guard let value else { return nil }
        if value == .null { return .some(nil) }
        guard let object = value.objectValue, let exact = object["exact"]?.stringValue, !exact.isEmpty else {
            throw invalid("anchor", "null or an object with a non-empty \"exact\"")
        }
        return .some(TextQuoteSelector(
            exact: exact, prefix: object["prefix"]?.stringValue ?? "", suffix: object["suffix"]?.stringValue ?? ""
        ))
    }

    private static func tombstoneRecord(_ id: String, hlc: HLC, now: String) -> NoteRecord {
        NoteRecord(
            id: id, articleID: "", anchor: nil, body: "", createdAt: now, updatedAt: now, revision: 0,
            conflicted: false, bodyHLC: hlc, anchorHLC: nil
        )
    }

    private static func invalid(_ field: String, _ expected: String) -> Rejection {
        Rejection(.invalidMutation, "field \"\(field)\" must be \(expected)")
    }
}
