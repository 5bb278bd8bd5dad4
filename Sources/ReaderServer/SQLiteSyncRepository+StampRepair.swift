import Foundation
import GRDB
import ReaderModels

extension SQLiteSyncRepository {
    /// Brings back every stored stamp more than `HLC.maxLeadMillis` ahead of `wallMillis`.
    ///
    /// A server before the clock bound took any stamp a client sent, and a stamp from the
    /// far future would make every later edit of its field lose and every page carrying it
    /// be refused by devices. Each such stamp becomes the server's stamp at `wallMillis`
    /// (the value it guards is kept, and any later edit wins over it), and each repaired
    /// record goes out again in its owner's change feed. Run once, as a migration: the bound
    /// keeps new ones out.
    static func repairStampsBeyondBound(_ db: Database, wallMillis: Int64) throws {
        let now = Timestamp.format(millis: wallMillis)
        let repaired = HLC(wallMillis: wallMillis, counter: 0, node: ServerClock.node).description
        // Stamp text sorts like the stamp, and an overflowed 17-digit stamp sorts above every
        // 16-digit one, so one text comparison finds them all.
        let limit = HLC(wallMillis: wallMillis + HLC.maxLeadMillis, counter: HLC.maxCounter, node: "~").description
        let tables: [(table: String, key: String, entity: ChangeEntity, columns: [String])] = [
            ("article_states", "article_id", .articleState, ["read_hlc", "starred_hlc", "progress_hlc", "tags_hlc"]),
            ("notes", "id", .note, ["body_hlc", "anchor_hlc"]),
            ("subscriptions", "url", .subscription, ["hlc"]),
        ]
        for (table, key, entity, columns) in tables {
            let beyond = columns.map { "\($0) > :limit" }.joined(separator: " OR ")
            let rows = try Row.fetchAll(
                db, sql: "SELECT user_id, \(key) FROM \(table) WHERE \(beyond)", arguments: ["limit": limit]
            )
            guard !rows.isEmpty else { continue }
            for column in columns {
                try db.execute(
                    sql: "UPDATE \(table) SET \(column) = :stamp WHERE \(column) > :limit",
                    arguments: ["stamp": repaired, "limit": limit]
                )
            }
            for row in rows {
                let deleted = entity == .note ? try Bool.fetchOne(
                    db, sql: "SELECT deleted FROM notes WHERE user_id = ? AND id = ?", arguments: [row[0], row[1]]
                ) ?? false : false
                try RecordRows.recordChange(db, user: row[0], entity: entity, id: row[1], deleted: deleted, at: now)
            }
        }
    }
}
