import GRDB
import ReaderModels

extension EditSession {
    /// Appends a mutation to the outbox, or folds it into the entity's newest pending
    /// mutation when that one has never been sent: a replayed push must carry exactly what
    /// was first sent, so a mutation with attempts > 0 is never rewritten.
    mutating func record(
        _ entity: EntityKind, _ entityID: String, op: MutationOp, baseRevision: Int?,
        fields: JSONObject, hlc: HLC
    ) throws {
        let fieldsJSON = JSON.encode(fields)
        if let pending = try Row.fetchOne(db, sql: """
            SELECT seq, mutation_id, op, base_revision, fields, attempts FROM outbox
            WHERE entity = ? AND entity_id = ? ORDER BY seq DESC LIMIT 1
            """, arguments: [entity.rawValue, entityID]),
            pending["attempts"] as Int == 0,
            let folded = Self.fold(entity, try pending.stored(MutationOp.self, "op", in: "outbox"), pendingFields: pending["fields"], into: op, fields: fields)
        {
            let seq: Int64 = pending["seq"]
            switch folded {
            case .dropBoth:
                try db.execute(sql: "DELETE FROM outbox WHERE seq = ?", arguments: [seq])
            case .replace(let newOp, let newFields):
                try db.execute(
                    sql: "UPDATE outbox SET op = ?, fields = ?, hlc = ? WHERE seq = ?",
                    arguments: [newOp.rawValue, JSON.encode(newFields), hlc.description, seq]
                )
                mutations.append(Mutation(
                    id: pending["mutation_id"], entity: entity, entityID: entityID, op: newOp,
                    baseRevision: pending["base_revision"], fields: newFields, hlc: hlc,
                    createdAt: Timestamp.stored(now), attempts: 0
                ))
            }
            return
        }
        let mutation = Mutation(
            id: environment.makeID(), entity: entity, entityID: entityID, op: op, baseRevision: baseRevision,
            fields: fields, hlc: hlc, createdAt: Timestamp.stored(now), attempts: 0
        )
        try db.execute(sql: """
            INSERT INTO outbox (mutation_id, entity, entity_id, op, base_revision, fields, hlc, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                mutation.id, entity.rawValue, entityID, op.rawValue, baseRevision, fieldsJSON,
                hlc.description, nowText,
            ])
        mutations.append(mutation)
    }

    enum Folded {
        /// Both cancel out: a note created and deleted before the server saw it.
        case dropBoth
        /// The pending row takes this op and these fields.
        case replace(MutationOp, JSONObject)
    }

    /// How a new mutation folds into an unsent pending one on the same entity, or nil when
    /// it must go out on its own.
    ///
    /// Article state and subscriptions fold only when the same fields change, because the
    /// folded row carries one HLC and an older field must keep its older stamp.
    static func fold(
        _ entity: EntityKind, _ pending: MutationOp, pendingFields: String, into op: MutationOp,
        fields: JSONObject
    ) -> Folded? {
        let pendingMembers = JSON.members(of: pendingFields)
        switch (entity, pending, op) {
        case (.articleState, .set, .set), (.subscription, .set, .set):
            return Set(pendingMembers.keys) == Set(fields.keys) ? .replace(.set, fields) : nil
        case (.note, .create, .update), (.note, .update, .update):
            // Every note field is whole-valued, so the newer value of a field replaces the older.
            let merged = pendingMembers.merging(fields) { _, newer in newer }
            return .replace(pending, merged)
        case (.note, .create, .delete):
            return .dropBoth
        case (.note, .update, .delete):
            return .replace(.delete, fields)
        default:
            return nil
        }
    }
}
