/**
 * A finished run's ComfyUI prompt_id, so get_status of a closed run (rebuilt from the cache: the
 * workflow may be gone) says which prompt it was instead of null. Its attempt is written at the end too.
 */
export const sql = `
ALTER TABLE runs ADD COLUMN prompt_id TEXT;
`
