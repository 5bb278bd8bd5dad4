-- What a freshly migrated reader-server database holds.
-- Kept true by ServerSchemaTests; regenerate with UPDATE_SCHEMA_SNAPSHOT=1 swift test --filter ServerSchemaTests.
PRAGMA application_id = 1381192278;

CREATE TABLE applied_mutations (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_id TEXT NOT NULL,
  mutation_id TEXT NOT NULL,
  result_json BLOB NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (user_id, client_id, mutation_id)
) WITHOUT ROWID;

CREATE TABLE article_states (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  article_id TEXT NOT NULL REFERENCES articles(id),
  read INTEGER NOT NULL,
  starred INTEGER NOT NULL,
  progress REAL NOT NULL,
  tags TEXT NOT NULL,
  read_hlc TEXT,
  starred_hlc TEXT,
  progress_hlc TEXT,
  tags_hlc TEXT,
  PRIMARY KEY (user_id, article_id)
) WITHOUT ROWID;

CREATE TABLE articles (
  id TEXT PRIMARY KEY NOT NULL,
  source_id TEXT NOT NULL REFERENCES sources(id),
  guid TEXT NOT NULL,
  url TEXT,
  title TEXT NOT NULL,
  author TEXT,
  published_at TEXT,
  updated_at TEXT,
  summary TEXT,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  first_seen_at TEXT NOT NULL
, expired INTEGER NOT NULL DEFAULT 0);

CREATE TABLE changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  changed_at TEXT NOT NULL,
  UNIQUE (user_id, entity, entity_id)
);

CREATE TABLE feeds (
  url TEXT PRIMARY KEY NOT NULL,
  title TEXT,
  site_url TEXT,
  etag TEXT,
  last_modified TEXT,
  last_fetch_at TEXT,
  last_status INTEGER,
  last_error TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  next_fetch_at TEXT,
  source_key TEXT NOT NULL
, source_id TEXT) WITHOUT ROWID;

CREATE TABLE greader_items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  article_id TEXT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE
);

CREATE TABLE greader_sessions (
  token_hash TEXT PRIMARY KEY NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE library (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  article_id TEXT NOT NULL REFERENCES articles(id),
  imported INTEGER NOT NULL DEFAULT 0, added_at TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (user_id, article_id)
) WITHOUT ROWID;

CREATE TABLE note_revisions (
  user_id INTEGER NOT NULL,
  note_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (user_id, note_id, revision),
  FOREIGN KEY (user_id, note_id) REFERENCES notes(user_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE notes (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  anchor_exact TEXT,
  anchor_prefix TEXT,
  anchor_suffix TEXT,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  revision INTEGER NOT NULL,
  conflicted INTEGER NOT NULL,
  body_hlc TEXT NOT NULL,
  anchor_hlc TEXT,
  deleted INTEGER NOT NULL,
  PRIMARY KEY (user_id, id)
) WITHOUT ROWID;

CREATE TABLE server_state (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sources (
  id TEXT PRIMARY KEY NOT NULL,
  key TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  site_url TEXT,
  feed_url TEXT
);

CREATE TABLE subscriptions (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  title TEXT,
  tags TEXT NOT NULL,
  subscribed INTEGER NOT NULL,
  hlc TEXT NOT NULL,
  PRIMARY KEY (user_id, url)
) WITHOUT ROWID;

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
, greader_password TEXT);

CREATE INDEX article_states_article ON article_states(article_id);

CREATE INDEX articles_source ON articles(source_id, first_seen_at);

CREATE INDEX changes_tombstones ON changes(changed_at) WHERE deleted = 1;

CREATE INDEX changes_user_seq ON changes(user_id, seq);

CREATE INDEX feeds_source ON feeds(source_id);

CREATE INDEX greader_sessions_user ON greader_sessions(user_id, created_at);

CREATE INDEX library_article ON library(article_id);

CREATE INDEX library_user_added ON library(user_id, added_at);

CREATE INDEX notes_article ON notes(user_id, article_id);

CREATE INDEX subscriptions_subscribed_url ON subscriptions(url) WHERE subscribed = 1;

CREATE TRIGGER greader_items_number AFTER INSERT ON articles
BEGIN
  INSERT OR IGNORE INTO greader_items (article_id) VALUES (NEW.id);
END;
