/**
 * Server and batch filters are usually combined with a status filter: carrying status in their
 * index lets a filtered history page be checked from the index alone, without a table read per
 * candidate row (about 2x faster per page at 100k runs).
 */
export const sql = `
DROP INDEX outputs_server;
CREATE INDEX outputs_server ON outputs (server_id, run_seq, id, status);
DROP INDEX outputs_batch;
CREATE INDEX outputs_batch ON outputs (batch_id, run_seq, id, status);
`
