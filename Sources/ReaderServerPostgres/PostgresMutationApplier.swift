import Foundation
import PostgresNIO
import ReaderModels

/// Applies one mutation inside a push's transaction on PostgreSQL: the SQLite engine's
/// `MutationApplier`, step for step. `Resolver` decides every conflict (it is engine-neutral);
/// this type only reads the stored version, writes the result, its change row and the
/// library rules.
struct PostgresMutationApplier {
    let connection: PostgresConnection
    let logger: Logger
    let user: Int64
    let now: String
    let library: PostgresLibrary

    init(_ connection: PostgresConnection, _ logger: Logger, user: Int64, now: String) {
        self.connection = connection
        self.logger = logger
        self.user = user
        self.now = now
        library = PostgresLibrary(connection, logger, now: now)
    }

    /// The server's answer to one mutation; see `MutationApplier.apply(_:wallMillis:)`.
    func apply(_ mutation: WireMutation, wallMillis: Int64) async throws -> MutationResult {
        do {
            try mutation.check()
            guard !mutation.hlc.isTooFarAhead(of: wallMillis) else {
                throw ReaderModels.Resolver.Rejection(
                    .clockTooFarAhead,
                    "the mutation's clock stamp \(mutation.hlc) is more than \(HLC.maxLeadMillis / 3_600_000) hours ahead of the server's clock; check the device's date and time"
                )
            }
            let (outcome, status) = switch mutation.entity {
            case .note: try await applyNote(mutation)
            case .articleState: try await applyState(mutation)
            case .subscription: try await applySubscription(mutation)
            }
            return MutationResult(mutationID: mutation.id, status: status, outcome: outcome, error: nil)
        } catch let rejection as ReaderModels.Resolver.Rejection {
            return MutationResult(
                mutationID: mutation.id, status: .rejected, outcome: nil,
                error: APIErrorBody(code: rejection.code, message: rejection.message)
            )
        }
    }

    private func record(_ entity: ChangeEntity, _ id: String, deleted: Bool = false) async throws {
        try await PostgresChangeFeed.record(user: user, entity: entity.rawValue, id: id, deleted: deleted, at: now, connection, logger)
    }

    private func applyNote(_ mutation: WireMutation) async throws -> (MutationOutcome, MutationStatus) {
        guard !mutation.entityID.isEmpty else { throw ReaderModels.Resolver.Rejection(.invalidMutation, "a note needs an id") }
        let current = try await PostgresRecords.notes(user: user, [mutation.entityID], connection, logger)[mutation.entityID]
        if mutation.op == .create, current == nil, let articleID = mutation.fields["article_id"]?.stringValue,
           try await !library.isKnown(article: articleID, to: user)
        {
            throw ReaderModels.Resolver.Rejection(.unknownArticle, "no article \(articleID)")
        }
        var baseBody: String?
        if let base = ReaderModels.Resolver.effectiveBaseRevision(mutation.baseRevision) {
            let revision = Int64(base)
            let rows = try await connection.query("""
                SELECT body FROM note_revisions WHERE user_id = \(user) AND note_id = \(mutation.entityID) AND revision = \(revision)
                """, logger: logger)
            for try await body in rows.decode(ByteBuffer.self) { baseBody = String(buffer: body) }
        }
        let result = try ReaderModels.Resolver.applyNote(
            op: mutation.op, noteID: mutation.entityID, fields: mutation.fields, baseRevision: mutation.baseRevision,
            hlc: mutation.hlc, current: current, baseBody: baseBody, now: now
        )
        if result.changed {
            try await PostgresRecords.saveNote(user: user, result.note, connection, logger)
            try await record(.note, mutation.entityID, deleted: result.note.deleted)
            let articles = Set([current?.record.articleID, result.note.record.articleID].compactMap { $0 })
            try await library.reconcile(user: user, articles: articles.sorted())
        }
        let outcome: MutationOutcome = result.note.deleted ? .noteDeleted(id: mutation.entityID) : .note(result.note.record)
        return (outcome, result.status)
    }

    private func applyState(_ mutation: WireMutation) async throws -> (MutationOutcome, MutationStatus) {
        guard mutation.op == .set else {
            throw ReaderModels.Resolver.Rejection(.invalidMutation, "article state is changed by set, not \(mutation.op.rawValue)")
        }
        let articleID = mutation.entityID
        guard try await library.isKnown(article: articleID, to: user) else {
            throw ReaderModels.Resolver.Rejection(.unknownArticle, "no article \(articleID)")
        }
        let current = try await PostgresRecords.states(user: user, [articleID], connection, logger)[articleID]
            ?? ArticleStateRecord(articleID: articleID, read: false, starred: false, progress: 0, tags: [], hlc: StateStamps())
        let (state, status) = try ReaderModels.Resolver.applyState(mutation.fields, hlc: mutation.hlc, to: current)
        if state != current {
            try await PostgresRecords.saveState(user: user, state, connection, logger)
            try await record(.articleState, articleID)
            try await library.reconcile(user: user, articles: [articleID])
        }
        return (.articleState(state), status)
    }

    private func applySubscription(_ mutation: WireMutation) async throws -> (MutationOutcome, MutationStatus) {
        guard mutation.op == .set else {
            throw ReaderModels.Resolver.Rejection(.invalidMutation, "a subscription is changed by set, not \(mutation.op.rawValue)")
        }
        let current = try await PostgresRecords.subscriptions(user: user, [mutation.entityID], connection, logger)[mutation.entityID]
        let (record, status) = try ReaderModels.Resolver.applySubscription(mutation.fields, url: mutation.entityID, hlc: mutation.hlc, to: current)
        if record != current {
            try await PostgresRecords.saveSubscription(user: user, record, connection, logger)
            try await self.record(.subscription, record.url)
            try await library.subscriptionChanged(user: user, from: current, to: record)
        }
        return (.subscription(record), status)
    }
}
