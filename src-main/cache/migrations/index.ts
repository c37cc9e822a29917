import { sql as initial } from './001-initial'
import { sql as ftsPrefix } from './002-fts-prefix'
import { sql as coveringFilters } from './003-covering-filters'
import { sql as runOrderFlag } from './004-run-order-flag'
import { sql as batchSpec } from './005-batch-spec'
import { sql as runPromptId } from './006-run-prompt-id'

export interface Migration {
  /** Sequence number; migrations apply in ascending order. */
  version: number
  name: string
  sql: string
}

/**
 * Every migration, in order. Kept as TypeScript strings rather than .sql files so the bundler
 * carries them into out/main without a copy step. Never edit one that has shipped: add another.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001-initial', sql: initial },
  { version: 2, name: '002-fts-prefix', sql: ftsPrefix },
  { version: 3, name: '003-covering-filters', sql: coveringFilters },
  { version: 4, name: '004-run-order-flag', sql: runOrderFlag },
  { version: 5, name: '005-batch-spec', sql: batchSpec },
  { version: 6, name: '006-run-prompt-id', sql: runPromptId },
]
