import GRDB

extension Schema {
    /// Which protocol the stored server speaks: `native` (this package's `/v1`) or
    /// `greader` (the Google Reader API of FreshRSS, Miniflux, Inoreader…), and the extra
    /// headers a GReader service wants on every request (Inoreader's `AppId` and `AppKey`),
    /// as a JSON object. A database from before this migration syncs natively, as it did.
    static func addSyncAPI(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE sync_state ADD COLUMN api TEXT NOT NULL DEFAULT 'native' CHECK (api IN ('native', 'greader'));
            ALTER TABLE sync_state ADD COLUMN api_headers TEXT NOT NULL DEFAULT '{}';
            """)
    }
}
