-- What a freshly migrated reader-server PostgreSQL database holds (docs/POSTGRES.md).
-- Kept true by PostgresSchemaTests; regenerate with
-- UPDATE_SCHEMA_SNAPSHOT=1 .build/debug/readerPackageTests.xctest --testing-library swift-testing --filter PostgresSchemaTests

CREATE TABLE applied_mutations (
  user_id bigint NOT NULL,
  client_id text COLLATE "C" NOT NULL,
  mutation_id text COLLATE "C" NOT NULL,
  result_json bytea NOT NULL,
  applied_at text COLLATE "C" NOT NULL,
  CONSTRAINT applied_mutations_pkey PRIMARY KEY (user_id, client_id, mutation_id),
  CONSTRAINT applied_mutations_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);

CREATE TABLE article_states (
  user_id bigint NOT NULL,
  article_id text COLLATE "C" NOT NULL,
  read boolean NOT NULL,
  starred boolean NOT NULL,
  progress double precision NOT NULL,
  tags text COLLATE "C" NOT NULL,
  read_hlc text COLLATE "C",
  starred_hlc text COLLATE "C",
  progress_hlc text COLLATE "C",
  tags_hlc text COLLATE "C",
  CONSTRAINT article_states_pkey PRIMARY KEY (user_id, article_id),
  CONSTRAINT article_states_article_id_fkey FOREIGN KEY (article_id) REFERENCES articles(id),
  CONSTRAINT article_states_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);

CREATE TABLE articles (
  id text COLLATE "C" NOT NULL,
  source_id text COLLATE "C" NOT NULL,
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
  expired boolean NOT NULL DEFAULT false,
  CONSTRAINT articles_pkey PRIMARY KEY (id),
  CONSTRAINT articles_source_id_fkey FOREIGN KEY (source_id) REFERENCES sources(id)
);

CREATE TABLE change_feeds (
  user_id bigint NOT NULL,
  last_seq bigint NOT NULL DEFAULT 0,
  purged_through bigint NOT NULL DEFAULT 0,
  CONSTRAINT change_feeds_pkey PRIMARY KEY (user_id),
  CONSTRAINT change_feeds_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);

CREATE TABLE changes (
  user_id bigint NOT NULL,
  seq bigint NOT NULL,
  entity text COLLATE "C" NOT NULL,
  entity_id text COLLATE "C" NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  changed_at text COLLATE "C" NOT NULL,
  CONSTRAINT changes_user_id_entity_entity_id_key UNIQUE (user_id, entity, entity_id),
  CONSTRAINT changes_pkey PRIMARY KEY (user_id, seq),
  CONSTRAINT changes_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);

CREATE TABLE feeds (
  url text COLLATE "C" NOT NULL,
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
  source_id text COLLATE "C",
  CONSTRAINT feeds_pkey PRIMARY KEY (url)
);

CREATE TABLE greader_items (
  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
  article_id text COLLATE "C" NOT NULL,
  CONSTRAINT greader_items_article_id_key UNIQUE (article_id),
  CONSTRAINT greader_items_pkey PRIMARY KEY (id),
  CONSTRAINT greader_items_article_id_fkey FOREIGN KEY (article_id) REFERENCES articles(id) ON DELETE CASCADE
);

CREATE TABLE greader_login_failures (
  name_digest text COLLATE "C" NOT NULL,
  failures integer NOT NULL,
  locked_until bigint NOT NULL,
  touched bigint NOT NULL,
  CONSTRAINT greader_login_failures_pkey PRIMARY KEY (name_digest)
);

CREATE TABLE greader_sessions (
  token_hash text COLLATE "C" NOT NULL,
  user_id bigint NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  CONSTRAINT greader_sessions_pkey PRIMARY KEY (token_hash),
  CONSTRAINT greader_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);

CREATE TABLE library (
  user_id bigint NOT NULL,
  article_id text COLLATE "C" NOT NULL,
  imported boolean NOT NULL DEFAULT false,
  added_at text COLLATE "C" NOT NULL,
  CONSTRAINT library_pkey PRIMARY KEY (user_id, article_id),
  CONSTRAINT library_article_id_fkey FOREIGN KEY (article_id) REFERENCES articles(id),
  CONSTRAINT library_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);

CREATE TABLE note_revisions (
  user_id bigint NOT NULL,
  note_id text COLLATE "C" NOT NULL,
  revision bigint NOT NULL,
  body bytea NOT NULL,
  CONSTRAINT note_revisions_pkey PRIMARY KEY (user_id, note_id, revision),
  CONSTRAINT note_revisions_user_id_note_id_fkey FOREIGN KEY (user_id, note_id) REFERENCES notes(user_id, id) ON DELETE CASCADE
);

CREATE TABLE notes (
  user_id bigint NOT NULL,
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
  CONSTRAINT notes_pkey PRIMARY KEY (user_id, id),
  CONSTRAINT notes_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);

CREATE TABLE schema_migrations (
  name text NOT NULL,
  applied_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT schema_migrations_pkey PRIMARY KEY (name)
);

CREATE TABLE server_state (
  key text COLLATE "C" NOT NULL,
  value text COLLATE "C" NOT NULL,
  CONSTRAINT server_state_pkey PRIMARY KEY (key)
);

CREATE TABLE sources (
  id text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  title text COLLATE "C" NOT NULL,
  site_url text COLLATE "C",
  feed_url text COLLATE "C",
  CONSTRAINT sources_pkey PRIMARY KEY (id)
);

CREATE TABLE subscriptions (
  user_id bigint NOT NULL,
  url text COLLATE "C" NOT NULL,
  title bytea,
  tags text COLLATE "C" NOT NULL,
  subscribed boolean NOT NULL,
  hlc text COLLATE "C" NOT NULL,
  CONSTRAINT subscriptions_pkey PRIMARY KEY (user_id, url),
  CONSTRAINT subscriptions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
  name text COLLATE "C" NOT NULL,
  token_hash text COLLATE "C" NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  greader_password text COLLATE "C",
  CONSTRAINT users_name_key UNIQUE (name),
  CONSTRAINT users_token_hash_key UNIQUE (token_hash),
  CONSTRAINT users_pkey PRIMARY KEY (id)
);

CREATE INDEX article_states_article ON public.article_states USING btree (article_id);

CREATE INDEX articles_source ON public.articles USING btree (source_id, first_seen_at);

CREATE INDEX changes_tombstones ON public.changes USING btree (changed_at) WHERE deleted;

CREATE INDEX feeds_source ON public.feeds USING btree (source_id);

CREATE INDEX greader_login_failures_touched ON public.greader_login_failures USING btree (touched);

CREATE INDEX greader_sessions_user ON public.greader_sessions USING btree (user_id, created_at);

CREATE INDEX library_article ON public.library USING btree (article_id);

CREATE INDEX library_user_added ON public.library USING btree (user_id, added_at);

CREATE INDEX notes_article ON public.notes USING btree (user_id, article_id);

CREATE INDEX subscriptions_subscribed_url ON public.subscriptions USING btree (url) WHERE subscribed;

CREATE OR REPLACE FUNCTION public.greader_items_number()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  INSERT INTO greader_items (article_id) VALUES (NEW.id) ON CONFLICT (article_id) DO NOTHING;
  RETURN NEW;
END
$function$;

CREATE TRIGGER greader_items_number AFTER INSERT ON public.articles FOR EACH ROW EXECUTE FUNCTION greader_items_number();
