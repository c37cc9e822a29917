/**
 * Batches and finished runs keep what the UI shows after their workflows are closed.
 *
 * A batch's own description, so the app can recognise its child runs (and give them their prompt)
 * after a restart, and show finished batches with their final counts. Counts are a snapshot of the
 * batch workflow's get_status, written as it changes.
 */
export const sql = `
ALTER TABLE batches ADD COLUMN prompt TEXT;
ALTER TABLE batches ADD COLUMN workflow TEXT;
ALTER TABLE batches ADD COLUMN sweep TEXT;
ALTER TABLE batches ADD COLUMN status TEXT NOT NULL DEFAULT 'running'
  CHECK (status IN ('pending','queued','running','completed','failed','cancelled'));
ALTER TABLE batches ADD COLUMN completed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN running INTEGER NOT NULL DEFAULT 0;
CREATE INDEX batches_created ON batches (created_at DESC);
-- The ComfyUI events a finished run saw (get_events), so run details keep them after the workflow is gone.
ALTER TABLE runs ADD COLUMN events TEXT;
`
