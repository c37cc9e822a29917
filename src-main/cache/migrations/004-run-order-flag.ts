/**
 * History date filters turn a date range into a range of run sequence numbers, which is exact
 * only while runs are recorded in creation order. `cache_flags.runs_out_of_order` is set the
 * first time a run is recorded with an older creation time than one already stored (clock
 * stepped back, imported runs); from then on date filters skip the shortcut and stay exact.
 */
export const sql = `
CREATE TABLE cache_flags (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO cache_flags (name, value)
  SELECT 'runs_out_of_order', EXISTS (
    SELECT 1 FROM runs a JOIN runs b ON b.seq = (SELECT min(seq) FROM runs WHERE seq > a.seq)
    WHERE b.created_at < a.created_at);
CREATE TRIGGER runs_order_check BEFORE INSERT ON runs
  WHEN new.created_at < (SELECT max(created_at) FROM runs)
BEGIN
  INSERT INTO cache_flags (name, value) VALUES ('runs_out_of_order', 1)
    ON CONFLICT (name) DO UPDATE SET value = 1;
END;
`
