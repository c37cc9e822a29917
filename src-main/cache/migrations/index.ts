import { sql as initial } from './001-initial'

export interface Migration {
  /** Sequence number; migrations apply in ascending order. */
  version: number
  name: string
  sql: string
}

/**
 * Every migration, in order. Kept as TypeScript strings rather than .sql files so the bundler
 * carries them into out/main without a copy step.
 */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: '001-initial', sql: initial }]
