import Foundation
import GRDB
import ReaderModels

extension SQLiteSyncRepository {
    /// Moves a database from content every user saw (change rows of user 0) to per-user
    /// libraries, deciding what each existing user keeps:
    ///
    /// - the articles of the feeds they subscribe to;
    /// - every article imported with `articles import`, which was meant for every user then:
    ///   it stays with every user as imported for them (a source no feed row produces is
    ///   an imported one);
    /// - every article they starred, tagged or annotated.
    ///
    /// What they lose are the articles of feeds other users subscribe to: their devices get
    /// tombstones for them (and for such a feed's source). Every user's devices then pull
    /// their library once more, with new change rows, in the order content first arrived;
    /// their cursors stay valid.
    static func splitSharedContent(_ db: Database, now: String) throws {
        // Every subscribed URL gets its feed row, and every feed the source its fetches write.
        try db.execute(sql: """
            INSERT INTO feeds (url, source_key) SELECT DISTINCT url, url FROM subscriptions WHERE subscribed = 1
            ON CONFLICT (url) DO NOTHING
            """)
        for row in try Row.fetchAll(db, sql: "SELECT url, source_key FROM feeds") {
            try db.execute(sql: "UPDATE feeds SET source_id = ? WHERE url = ?",
                           arguments: [Fingerprint.sourceID(key: row[1]), row[0] as String])
        }
        let shared = try Row.fetchAll(db, sql: "SELECT entity, entity_id, deleted FROM changes WHERE user_id = 0 ORDER BY seq")
        try db.execute(sql: "DELETE FROM changes WHERE user_id = 0")
        try db.execute(sql: """
            INSERT INTO library (user_id, article_id, imported)
            SELECT u.id, a.id, a.source_id NOT IN (SELECT source_id FROM feeds) FROM users u JOIN articles a
            WHERE a.source_id NOT IN (SELECT source_id FROM feeds)
              OR EXISTS (SELECT 1 FROM feeds f JOIN subscriptions s ON s.url = f.url AND s.subscribed = 1
                         WHERE s.user_id = u.id AND f.source_id = a.source_id)
              OR EXISTS (SELECT 1 FROM article_states s WHERE s.user_id = u.id AND s.article_id = a.id
                         AND (s.starred = 1 OR s.tags <> '[]'))
              OR EXISTS (SELECT 1 FROM notes n WHERE n.user_id = u.id AND n.article_id = a.id AND n.deleted = 0)
            """)
        let held = try db.makeStatement(sql: "SELECT EXISTS (SELECT 1 FROM library WHERE user_id = ? AND article_id = ?)")
        let holdsSource = try db.makeStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM library l JOIN articles a ON a.id = l.article_id WHERE l.user_id = ?1 AND a.source_id = ?2)
              OR EXISTS (SELECT 1 FROM feeds f JOIN subscriptions s ON s.url = f.url AND s.subscribed = 1
                         WHERE s.user_id = ?1 AND f.source_id = ?2)
            """)
        for user in try Int64.fetchAll(db, sql: "SELECT id FROM users ORDER BY id") {
            for row in shared {
                let entity: String = row[0], id: String = row[1], deleted: Bool = row[2]
                let keeps: Bool = switch entity {
                case ChangeEntity.article.rawValue: try Bool.fetchOne(held, arguments: [user, id]) ?? false
                case ChangeEntity.source.rawValue: try Bool.fetchOne(holdsSource, arguments: [user, id]) ?? false
                default: false
                }
                try RecordRows.recordChange(
                    db, user: user, entity: UnreadableStoredValue.decode(entity, as: ChangeEntity.self, table: "changes", column: "entity"),
                    id: id, deleted: deleted || !keeps, at: now
                )
            }
        }
    }
}
