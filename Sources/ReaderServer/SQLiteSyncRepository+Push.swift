import Foundation
import GRDB
import ReaderModels

extension SQLiteSyncRepository {
    /// Applies a push in one write transaction; see `SyncRepository.push(_:for:)`.
    public func push(_ request: PushRequest, for user: UserAccount) async throws -> PushOutcome {
        let (outcome, tally) = try await SyncMetrics.measure(.write, "push") { try await pool.write { db in
            var tally = SyncMetrics.PushTally()
            let encoder = JSONEncoder()
            // Sorted keys: the stored bytes are what every replay returns, so they are fixed once.
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let now = self.nowText
            let applier = MutationApplier(db: db, user: user.id, now: now)
            let lookup = try db.cachedStatement(sql: """
                SELECT result_json FROM applied_mutations WHERE user_id = ? AND client_id = ? AND mutation_id = ?
                """)
            let remember = try db.cachedStatement(sql: """
                INSERT INTO applied_mutations (user_id, client_id, mutation_id, result_json, applied_at)
                VALUES (?, ?, ?, ?, ?)
                """)
            var results: [Data] = []
            results.reserveCapacity(request.mutations.count)
            // One reading of the wall clock judges every stamp of the push, so a stamp that
            // passed the check is received against the same time and cannot be refused then.
            let wall = self.clock.now()
            for mutation in request.mutations {
                let key: StatementArguments = [user.id, request.clientID, mutation.id]
                if let stored = try Data.fetchOne(lookup, arguments: key) {
                    results.append(stored)
                    tally.replayed += 1
                    continue
                }
                let result = try applier.apply(mutation, wallMillis: wall)
                tally.count(result.status)
                // Only an applied mutation moves the clock: a rejected one changed nothing,
                // and its stamp (checked or not) must not reach what every user shares.
                if result.status != .rejected { try self.clock.receive(mutation.hlc, at: wall) }
                let data = try encoder.encode(result)
                try remember.execute(arguments: key + [data, now])
                results.append(data)
            }
            let stamp = self.clock.tick()
            try self.saveClock(db)
            try self.purgeIfDue(db)
            return (PushOutcome(results: results, serverHLC: stamp), tally)
        } }
        // Counted after the commit: a transaction that failed or rolled back applied nothing.
        SyncMetrics.recordPush(tally)
        return outcome
    }
}

/// Applies one mutation inside a push's transaction, with `Resolver` deciding every
/// conflict, and writes the change row that lets the user's other devices pull the result.
/// A mutation that changes what the user holds (a star, a tag, a note, a subscription)
/// brings their library in line (`Library`).
struct MutationApplier {
    let db: Database
    let user: Int64
    let now: String
    var library: Library { Library(db: db, now: now) }

    /// The server's answer to one mutation. A stamp further ahead of `wallMillis` (the
    /// server's clock) than `HLC.maxLeadMillis` is rejected before anything is looked up:
    /// adopted, it would make every later edit of the field lose.
    func apply(_ mutation: WireMutation, wallMillis: Int64) throws -> MutationResult {
        do {
            // Every field against the contract first: nothing of a malformed mutation is looked up.
            try mutation.check()
            guard !mutation.hlc.isTooFarAhead(of: wallMillis) else {
                throw Resolver.Rejection(
                    .clockTooFarAhead,
                    "the mutation's clock stamp \(mutation.hlc) is more than \(HLC.maxLeadMillis / 3_600_000) hours ahead of the server's clock; check the device's date and time"
                )
            }
            let (outcome, status) = switch mutation.entity {
            case .note: try applyNote(mutation)
            case .articleState: try applyState(mutation)
            case .subscription: try applySubscription(mutation)
            }
            return MutationResult(mutationID: mutation.id, status: status, outcome: outcome, error: nil)
        } catch let rejection as Resolver.Rejection {
            return MutationResult(
                mutationID: mutation.id, status: .rejected, outcome: nil,
                error: APIErrorBody(code: rejection.code, message: rejection.message)
            )
        }
    }

    private func applyNote(_ mutation: WireMutation) throws -> (MutationOutcome, MutationStatus) {
        guard !mutation.entityID.isEmpty else { throw Resolver.Rejection(.invalidMutation, "a note needs an id") }
        let current = try Row.fetchOne(
            db, sql: "SELECT \(RecordRows.noteColumns) FROM notes WHERE user_id = ? AND id = ?",
            arguments: [user, mutation.entityID]
        ).map(RecordRows.note)
        if mutation.op == .create, current == nil, let articleID = mutation.fields["article_id"]?.stringValue,
           try !articleExists(articleID)
        {
            throw Resolver.Rejection(.unknownArticle, "no article \(articleID)")
        }
        var baseBody: String?
        if let base = Resolver.effectiveBaseRevision(mutation.baseRevision) {
            baseBody = try Data.fetchOne(
                db, sql: "SELECT \(ExactText.column("body")) FROM note_revisions WHERE user_id = ? AND note_id = ? AND revision = ?",
                arguments: [user, mutation.entityID, base]
            ).map { String(decoding: $0, as: UTF8.self) }
        }
        let result = try Resolver.applyNote(
            op: mutation.op, noteID: mutation.entityID, fields: mutation.fields, baseRevision: mutation.baseRevision,
            hlc: mutation.hlc, current: current, baseBody: baseBody, now: now
        )
        if result.changed {
            try RecordRows.saveNote(db, user: user, result.note)
            try RecordRows.recordChange(db, user: user, entity: .note, id: mutation.entityID, deleted: result.note.deleted, at: now)
            try library.reconcile(user: user, articles: Array(Set([current?.record.articleID, result.note.record.articleID].compactMap { $0 })))
        }
        let outcome: MutationOutcome = result.note.deleted
            ? .noteDeleted(id: mutation.entityID)
            : .note(result.note.record)
        return (outcome, result.status)
    }

    private func applyState(_ mutation: WireMutation) throws -> (MutationOutcome, MutationStatus) {
        guard mutation.op == .set else {
            throw Resolver.Rejection(.invalidMutation, "article state is changed by set, not \(mutation.op.rawValue)")
        }
        let articleID = mutation.entityID
        guard try articleExists(articleID) else { throw Resolver.Rejection(.unknownArticle, "no article \(articleID)") }
        let current = try Row.fetchOne(
            db, sql: "SELECT \(RecordRows.stateColumns) FROM article_states WHERE user_id = ? AND article_id = ?",
            arguments: [user, articleID]
        ).map(RecordRows.state)
            ?? ArticleStateRecord(articleID: articleID, read: false, starred: false, progress: 0, tags: [], hlc: StateStamps())
        let (state, status) = try Resolver.applyState(mutation.fields, hlc: mutation.hlc, to: current)
        if state != current {
            try RecordRows.saveState(db, user: user, state)
            try RecordRows.recordChange(db, user: user, entity: .articleState, id: articleID, at: now)
            try library.reconcile(user: user, articles: [articleID])
        }
        return (.articleState(state), status)
    }

    private func applySubscription(_ mutation: WireMutation) throws -> (MutationOutcome, MutationStatus) {
        guard mutation.op == .set else {
            throw Resolver.Rejection(.invalidMutation, "a subscription is changed by set, not \(mutation.op.rawValue)")
        }
        let current = try Row.fetchOne(
            db, sql: "SELECT \(RecordRows.subscriptionColumns) FROM subscriptions WHERE user_id = ? AND url = ?",
            arguments: [user, mutation.entityID]
        ).map(RecordRows.subscription)
        let (record, status) = try Resolver.applySubscription(
            mutation.fields, url: mutation.entityID, hlc: mutation.hlc, to: current
        )
        if record != current {
            try RecordRows.saveSubscription(db, user: user, record)
            try RecordRows.recordChange(db, user: user, entity: .subscription, id: record.url, at: now)
            try library.subscriptionChanged(user: user, from: current, to: record)
        }
        return (.subscription(record), status)
    }

    /// Only an article the user holds, or held, is known: another user's feeds stay hidden.
    private func articleExists(_ id: String) throws -> Bool {
        try library.isKnown(article: id, to: user)
    }
}
