/**
 * First schema. Never edit this text once released: its sha256 is recorded in `_migrations` and
 * an edited migration refuses to open (add a new numbered migration instead).
 */
export const sql = `
CREATE TABLE servers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  address TEXT NOT NULL UNIQUE,
  enabled INTEGER NOT NULL DEFAULT 1,
  draining INTEGER NOT NULL DEFAULT 0,
  slots INTEGER NOT NULL DEFAULT 2 CHECK (slots BETWEEN 1 AND 8),
  tags TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  capabilities TEXT,
  capabilities_key TEXT
);

CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  total INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE runs (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  workflow_id TEXT NOT NULL,
  batch_id TEXT REFERENCES batches(id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','queued','running','completed','failed','cancelled')),
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  server_id TEXT,
  server_name TEXT,
  gpu TEXT,
  prompt TEXT NOT NULL,
  workflow TEXT,
  positive TEXT,
  negative TEXT,
  seed INTEGER,
  models TEXT NOT NULL DEFAULT '[]',
  node_timings TEXT NOT NULL DEFAULT '{}',
  progress REAL NOT NULL DEFAULT 0,
  current_node TEXT,
  node_progress TEXT,
  error TEXT,
  attempt INTEGER NOT NULL DEFAULT 1,
  outputs_count INTEGER NOT NULL DEFAULT 0,
  thumb_hash TEXT
);
CREATE INDEX runs_created ON runs (created_at, seq);
CREATE INDEX runs_status ON runs (status, created_at);
CREATE INDEX runs_batch ON runs (batch_id, created_at);

CREATE TABLE run_models (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  PRIMARY KEY (model, run_id)
) WITHOUT ROWID;
CREATE INDEX run_models_run ON run_models (run_id);


-- Filter columns are copied from the run so a history page is one ordered index walk, not a join
-- per row; the repository keeps them in step when a run's status changes.
CREATE TABLE outputs (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  run_seq INTEGER NOT NULL,
  node_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  format TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  bytes INTEGER NOT NULL,
  filename TEXT NOT NULL,
  subfolder TEXT NOT NULL,
  type TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  server_id TEXT,
  batch_id TEXT,
  UNIQUE (run_id, node_id, hash)
);
-- History pages walk outputs newest run first: (run_seq, id) is the keyset, and each filter
-- index ends with it so a filtered page is one ordered range scan.
CREATE INDEX outputs_order ON outputs (run_seq, id);
CREATE INDEX outputs_hash ON outputs (hash);
CREATE INDEX outputs_server ON outputs (server_id, run_seq, id);
CREATE INDEX outputs_status ON outputs (status, run_seq, id);
CREATE INDEX outputs_batch ON outputs (batch_id, run_seq, id);

CREATE VIRTUAL TABLE runs_fts USING fts5 (
  name, positive, negative, models,
  content = 'runs', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER runs_fts_insert AFTER INSERT ON runs BEGIN
  INSERT INTO runs_fts (rowid, name, positive, negative, models)
  VALUES (new.seq, new.name, new.positive, new.negative, new.models);
END;
CREATE TRIGGER runs_fts_delete AFTER DELETE ON runs BEGIN
  INSERT INTO runs_fts (runs_fts, rowid, name, positive, negative, models)
  VALUES ('delete', old.seq, old.name, old.positive, old.negative, old.models);
END;
CREATE TRIGGER runs_fts_update AFTER UPDATE OF name, positive, negative, models ON runs BEGIN
  INSERT INTO runs_fts (runs_fts, rowid, name, positive, negative, models)
  VALUES ('delete', old.seq, old.name, old.positive, old.negative, old.models);
  INSERT INTO runs_fts (rowid, name, positive, negative, models)
  VALUES (new.seq, new.name, new.positive, new.negative, new.models);
END;
`
