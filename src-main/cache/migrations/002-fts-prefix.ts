/**
 * Search-as-you-type: the last word of a search is a prefix. Without a prefix index FTS5 merges
 * the full doclists of every matching term (25 ms for a common 3-letter prefix at 100k runs);
 * with one, a short prefix is a single doclist read newest-first and stops early (0.3 ms).
 */
export const sql = `
DROP TRIGGER runs_fts_insert;
DROP TRIGGER runs_fts_delete;
DROP TRIGGER runs_fts_update;
DROP TABLE runs_fts;
CREATE VIRTUAL TABLE runs_fts USING fts5 (
  name, positive, negative, models,
  content = 'runs', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4'
);
INSERT INTO runs_fts (runs_fts) VALUES ('rebuild');
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
