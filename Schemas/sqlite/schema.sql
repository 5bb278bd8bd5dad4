-- What a freshly migrated reader database holds (FTS5 shadow tables left out).
-- Kept true by SchemaTests; regenerate with UPDATE_SCHEMA_SNAPSHOT=1 swift test --filter SchemaTests.
PRAGMA application_id = 1380270404;

CREATE TABLE article_states (
  article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
  read_hlc TEXT,
  starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
  starred_hlc TEXT,
  progress REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  progress_hlc TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  tags_hlc TEXT
) WITHOUT ROWID;

CREATE TABLE "articles" (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source_id TEXT NOT NULL REFERENCES sources(id),
  guid TEXT NOT NULL,
  url TEXT,
  title TEXT NOT NULL,
  author TEXT,
  published_at TEXT,
  updated_at TEXT,
  summary TEXT,
  html TEXT NOT NULL,
  text TEXT,
  content_hash TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  sort_at TEXT NOT NULL
);

CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, author, summary, text,
  content='articles_search', content_rowid='seq',
  tokenize='unicode61 remove_diacritics 2'
);

CREATE TABLE feed_fetch_state (
  url TEXT PRIMARY KEY NOT NULL,
  source_key TEXT NOT NULL,
  title TEXT,
  site_url TEXT,
  etag TEXT,
  last_modified TEXT,
  last_fetch_at TEXT,
  last_status INTEGER,
  last_error TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  next_fetch_at TEXT
) WITHOUT ROWID;

CREATE TABLE notes (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  article_id TEXT NOT NULL REFERENCES articles(id),
  quote_exact TEXT,
  quote_prefix TEXT,
  quote_suffix TEXT,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  revision INTEGER NOT NULL DEFAULT 0,
  body_hlc TEXT NOT NULL,
  anchor_hlc TEXT,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  conflicted INTEGER NOT NULL DEFAULT 0 CHECK (conflicted IN (0, 1))
, orphaned INTEGER NOT NULL DEFAULT 0 CHECK (orphaned IN (0, 1)));

CREATE VIRTUAL TABLE notes_fts USING fts5(
  body, quote_exact,
  content='notes', content_rowid='seq',
  tokenize='unicode61 remove_diacritics 2'
);

CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  mutation_id TEXT NOT NULL UNIQUE,
  entity TEXT NOT NULL CHECK (entity IN ('note', 'article_state', 'subscription')),
  entity_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete', 'set')),
  base_revision INTEGER,
  fields TEXT NOT NULL,
  hlc TEXT NOT NULL,
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE pruned_articles (
  article_id TEXT PRIMARY KEY NOT NULL,
  content_hash TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  has_state INTEGER NOT NULL CHECK (has_state IN (0, 1)),
  read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
  read_hlc TEXT,
  starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
  starred_hlc TEXT,
  progress REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  progress_hlc TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  tags_hlc TEXT
) WITHOUT ROWID;

CREATE TABLE rejected_mutations (
  mutation_id TEXT PRIMARY KEY NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  op TEXT NOT NULL,
  fields TEXT NOT NULL,
  hlc TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  rejected_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE resync_seen (
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (entity, id)
) WITHOUT ROWID;

CREATE TABLE retention_policy (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  read_days INTEGER CHECK (read_days >= 0),
  unread_days INTEGER CHECK (unread_days >= 0),
  per_feed INTEGER CHECK (per_feed >= 0)
);

CREATE TABLE sources (
  id TEXT PRIMARY KEY NOT NULL,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('rss', 'atom', 'json_feed', 'bundle')),
  title TEXT NOT NULL,
  site_url TEXT,
  feed_url TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE store_counts (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  articles INTEGER NOT NULL,
  read INTEGER NOT NULL
);

CREATE TABLE subscriptions (
  url TEXT PRIMARY KEY NOT NULL,
  title TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  subscribed INTEGER NOT NULL CHECK (subscribed IN (0, 1)),
  hlc TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sync_deferred (
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (entity, id)
) WITHOUT ROWID;

CREATE TABLE sync_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  device_id TEXT NOT NULL,
  clock TEXT NOT NULL,
  server_url TEXT,
  cursor TEXT,
  last_sync_at TEXT
, token TEXT, resyncing INTEGER NOT NULL DEFAULT 0 CHECK (resyncing IN (0, 1)), api TEXT NOT NULL DEFAULT 'native' CHECK (api IN ('native', 'greader')), api_headers TEXT NOT NULL DEFAULT '{}', backfill_head TEXT, backfill_below TEXT);

CREATE INDEX article_states_starred ON article_states(starred) WHERE starred = 1;

CREATE INDEX articles_first_seen ON articles(first_seen_at);

CREATE INDEX articles_sort ON articles(sort_at);

CREATE INDEX articles_source ON articles(source_id);

CREATE INDEX notes_article ON notes(article_id);

CREATE INDEX outbox_entity ON outbox(entity, entity_id);

CREATE INDEX pruned_articles_seen ON pruned_articles(seen_at);

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, author, summary, text)
  VALUES ('delete', old.seq, old.title, old.author, old.summary, reader_article_text(old.html, old.text));
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, author, summary, html, text ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, author, summary, text)
  VALUES ('delete', old.seq, old.title, old.author, old.summary, reader_article_text(old.html, old.text));
  INSERT INTO articles_fts(rowid, title, author, summary, text)
  VALUES (new.seq, new.title, new.author, new.summary, reader_article_text(new.html, new.text));
END;

CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
  INSERT INTO notes_fts(notes_fts, rowid, body, quote_exact)
  VALUES ('delete', old.seq, old.body, old.quote_exact);
END;

CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts(rowid, body, quote_exact) VALUES (new.seq, new.body, new.quote_exact);
END;

CREATE TRIGGER notes_fts_update AFTER UPDATE OF body, quote_exact ON notes BEGIN
  INSERT INTO notes_fts(notes_fts, rowid, body, quote_exact)
  VALUES ('delete', old.seq, old.body, old.quote_exact);
  INSERT INTO notes_fts(rowid, body, quote_exact) VALUES (new.seq, new.body, new.quote_exact);
END;

CREATE VIEW articles_search AS
  SELECT seq, title, author, summary, reader_article_text(html, text) AS text FROM articles;
