import PostgresNIO

/// The PostgreSQL schema's migrations: named and append-only, like the SQLite server's
/// (`SQLiteSyncRepository.migrator`). A migration once released is never edited; a change
/// is a new one at the end. `Schemas/postgres/server-schema.sql` shows what they build, and
/// `PostgresSchemaTests` keeps it true against a real cluster.
///
/// The first reaches the SQLite server's schema as of its `v6-greader`, table for table;
/// each later one is the PostgreSQL form of the SQLite migration it names. The
/// differences from SQLite (docs/POSTGRES.md says why):
/// - the change feed is numbered per user: `change_feeds` holds each user's last sequence
///   number and purge horizon, and `changes` is keyed by (user, seq);
/// - flags are `boolean`, ids `bigint` identities;
/// - free text a device sends (a note's body and quote, a revision's body, a subscription's
///   title) is `bytea` holding its UTF-8: the wire allows U+0000 there, which a PostgreSQL
///   `text` cannot hold;
/// - instants stay RFC 3339 UTC `text`, the wire's own form, which sorts as time does;
/// - every text column compares byte by byte (`COLLATE "C"`), as SQLite's do: clock stamps
///   and instants are compared as text, and ids order pages, so a database created with a
///   language's collation must not reorder them.
enum PostgresMigrations {
    /// Every migration, in order.
    static let all: [(name: String, sql: String)] = [
        ("pg1-sync-server", v1),
        ("pg2-library-arrival", v2),
        ("pg3-greader-login-failures", v3),
    ]

    /// Applies the migrations `database` lacks, all in one transaction under an advisory
    /// lock, so instances started together migrate once and never see half a schema.
    static func migrate(_ database: PostgresPool) async throws {
        try await database.transaction { connection, logger in
            // Any constant both sides agree on: it names "reader-server migrations".
            try await connection.run("SELECT pg_advisory_xact_lock(1381192278)", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                  name text PRIMARY KEY,
                  applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM schema_migrations", logger: logger)
                .decode(String.self) { applied.insert(name) }
            for migration in all where !applied.contains(migration.name) {
                for statement in statements(of: migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migrations (name) VALUES (\(migration.name))", logger: logger)
            }
        }
    }

    /// The names of the migrations applied to `database`, in the order they were applied.
    static func applied(_ database: PostgresPool) async throws -> [String] {
        var names: [String] = []
        let rows = try await database.client.query("SELECT name FROM schema_migrations ORDER BY applied_at, name", logger: database.logger)
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }

    /// The statements of a migration one by one: the extended protocol postgres-nio speaks
    /// takes one statement per query. A statement ends with a line ending in `;` outside a
    /// `$$` body (a function's, which holds semicolons of its own).
    static func statements(of sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            current += line + "\n"
            if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            if !inBody, line.hasSuffix(";") {
                statements.append(String(current.dropLast(2)))
                current = ""
            }
        }
        if !current.allSatisfy(\.isWhitespace) { statements.append(current) }
        return statements
    }

    static let v1 = """
        CREATE TABLE users (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          name text COLLATE "C" NOT NULL UNIQUE,
          token_hash text COLLATE "C" NOT NULL UNIQUE,
          created_at text COLLATE "C" NOT NULL,
          greader_password text COLLATE "C"
        );
        -- Each user's change feed: the last sequence number given out and the purge horizon.
        -- A writer takes the next number under this row's lock, so one user's numbers are
        -- given in commit order and a reader never sees a later one before an earlier one.
        CREATE TABLE change_feeds (
          user_id bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
          last_seq bigint NOT NULL DEFAULT 0,
          purged_through bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE sources (
          id text COLLATE "C" PRIMARY KEY,
          key text COLLATE "C" NOT NULL,
          kind text COLLATE "C" NOT NULL,
          title text COLLATE "C" NOT NULL,
          site_url text COLLATE "C",
          feed_url text COLLATE "C"
        );
        CREATE TABLE articles (
          id text COLLATE "C" PRIMARY KEY,
          source_id text COLLATE "C" NOT NULL REFERENCES sources(id),
          guid text COLLATE "C" NOT NULL,
          url text COLLATE "C",
          title text COLLATE "C" NOT NULL,
          author text COLLATE "C",
          published_at text COLLATE "C",
          updated_at text COLLATE "C",
          summary text COLLATE "C",
          html text COLLATE "C" NOT NULL,
          text text COLLATE "C" NOT NULL,
          content_hash text COLLATE "C" NOT NULL,
          first_seen_at text COLLATE "C" NOT NULL,
          expired boolean NOT NULL DEFAULT false
        );
        CREATE INDEX articles_source ON articles (source_id, first_seen_at);
        CREATE TABLE article_states (
          user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          article_id text COLLATE "C" NOT NULL REFERENCES articles(id),
          read boolean NOT NULL,
          starred boolean NOT NULL,
          progress double precision NOT NULL,
          tags text COLLATE "C" NOT NULL,
          read_hlc text COLLATE "C",
          starred_hlc text COLLATE "C",
          progress_hlc text COLLATE "C",
          tags_hlc text COLLATE "C",
          PRIMARY KEY (user_id, article_id)
        );
        CREATE INDEX article_states_article ON article_states (article_id);
        CREATE TABLE notes (
          user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          id text COLLATE "C" NOT NULL,
          article_id text COLLATE "C" NOT NULL,
          anchor_exact bytea,
          anchor_prefix bytea,
          anchor_suffix bytea,
          body bytea NOT NULL,
          created_at text COLLATE "C" NOT NULL,
          updated_at text COLLATE "C" NOT NULL,
          revision bigint NOT NULL,
          conflicted boolean NOT NULL,
          body_hlc text COLLATE "C" NOT NULL,
          anchor_hlc text COLLATE "C",
          deleted boolean NOT NULL,
          PRIMARY KEY (user_id, id)
        );
        CREATE INDEX notes_article ON notes (user_id, article_id);
        CREATE TABLE note_revisions (
          user_id bigint NOT NULL,
          note_id text COLLATE "C" NOT NULL,
          revision bigint NOT NULL,
          body bytea NOT NULL,
          PRIMARY KEY (user_id, note_id, revision),
          FOREIGN KEY (user_id, note_id) REFERENCES notes(user_id, id) ON DELETE CASCADE
        );
        CREATE TABLE subscriptions (
          user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          url text COLLATE "C" NOT NULL,
          title bytea,
          tags text COLLATE "C" NOT NULL,
          subscribed boolean NOT NULL,
          hlc text COLLATE "C" NOT NULL,
          PRIMARY KEY (user_id, url)
        );
        CREATE INDEX subscriptions_subscribed_url ON subscriptions (url) WHERE subscribed;
        CREATE TABLE applied_mutations (
          user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          client_id text COLLATE "C" NOT NULL,
          mutation_id text COLLATE "C" NOT NULL,
          result_json bytea NOT NULL,
          applied_at text COLLATE "C" NOT NULL,
          PRIMARY KEY (user_id, client_id, mutation_id)
        );
        -- One row per entity at its latest change, numbered in its user's feed.
        CREATE TABLE changes (
          user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          seq bigint NOT NULL,
          entity text COLLATE "C" NOT NULL,
          entity_id text COLLATE "C" NOT NULL,
          deleted boolean NOT NULL DEFAULT false,
          changed_at text COLLATE "C" NOT NULL,
          PRIMARY KEY (user_id, seq),
          UNIQUE (user_id, entity, entity_id)
        );
        CREATE INDEX changes_tombstones ON changes (changed_at) WHERE deleted;
        CREATE TABLE server_state (
          key text COLLATE "C" PRIMARY KEY,
          value text COLLATE "C" NOT NULL
        );
        CREATE TABLE feeds (
          url text COLLATE "C" PRIMARY KEY,
          title text COLLATE "C",
          site_url text COLLATE "C",
          etag text COLLATE "C",
          last_modified text COLLATE "C",
          last_fetch_at text COLLATE "C",
          last_status integer,
          last_error text COLLATE "C",
          consecutive_failures integer NOT NULL DEFAULT 0,
          next_fetch_at text COLLATE "C",
          source_key text COLLATE "C" NOT NULL,
          source_id text COLLATE "C"
        );
        CREATE INDEX feeds_source ON feeds (source_id);
        CREATE TABLE library (
          user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          article_id text COLLATE "C" NOT NULL REFERENCES articles(id),
          imported boolean NOT NULL DEFAULT false,
          PRIMARY KEY (user_id, article_id)
        );
        CREATE INDEX library_article ON library (article_id);
        -- Google Reader item numbers, given in arrival order and never given again.
        CREATE TABLE greader_items (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          article_id text COLLATE "C" NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE
        );
        CREATE FUNCTION greader_items_number() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO greader_items (article_id) VALUES (NEW.id) ON CONFLICT (article_id) DO NOTHING;
          RETURN NEW;
        END
        $$;
        CREATE TRIGGER greader_items_number AFTER INSERT ON articles
          FOR EACH ROW EXECUTE FUNCTION greader_items_number();
        CREATE TABLE greader_sessions (
          token_hash text COLLATE "C" PRIMARY KEY,
          user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          created_at text COLLATE "C" NOT NULL
        );
        CREATE INDEX greader_sessions_user ON greader_sessions (user_id, created_at);
        """

    /// SQLite's `v7-library-arrival` (`GReaderSchema.addLibraryArrival`): `library.added_at`,
    /// when the article entered that user's library, which the Google Reader API's `ot`,
    /// `nt`, crawl time and mark-all-as-read `ts` compare. The rows already there take
    /// `articles.first_seen_at`, the time their clients already saw. Unlike SQLite, the
    /// column keeps no default: an insert that forgets it fails instead of storing ''.
    static let v2 = """
        ALTER TABLE library ADD COLUMN added_at text COLLATE "C" NOT NULL DEFAULT '';
        UPDATE library l SET added_at = a.first_seen_at FROM articles a WHERE a.id = l.article_id;
        ALTER TABLE library ALTER COLUMN added_at DROP DEFAULT;
        CREATE INDEX library_user_added ON library (user_id, added_at);
        """

    /// The Google Reader API's failed-login counts, shared by every instance on the
    /// database (`GReaderStorage.greaderLoginBegin`): one row per SHA-256 digest of a name
    /// that failed lately, so a row's size does not depend on what a client sent. Rows
    /// untouched for `GReaderLoginLimits.staleMillis` count from zero and are pruned, and
    /// past `maxRows` the open rows touched longest ago go first.
    static let v3 = """
        CREATE TABLE greader_login_failures (
          name_digest text COLLATE "C" PRIMARY KEY,
          failures integer NOT NULL,
          locked_until bigint NOT NULL,
          touched bigint NOT NULL
        );
        CREATE INDEX greader_login_failures_touched ON greader_login_failures (touched);
        """
}
