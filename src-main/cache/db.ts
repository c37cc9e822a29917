/**
 * Opens the cache database and brings its schema up to date. Each applied migration is recorded
 * with the sha256 of its text, so a migration edited after release is caught instead of leaving
 * databases that disagree about their own schema.
 */
import { sqliteNativeBinding } from './native-binding'
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { MIGRATIONS, type Migration } from './migrations'
import { reuseStatements } from './statement-cache'

export type CacheDatabase = Database.Database

const BRAND = Symbol.for('comfyfleet.DatabaseMigrationError')

/** A migration could not be applied, or an applied one no longer matches its recorded text. */
export class DatabaseMigrationError extends Error {
  readonly [BRAND] = true
  constructor(
    message: string,
    readonly migration: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'DatabaseMigrationError'
  }
}

/** Brand check that also works across bundles (two copies of this module). */
export function isDatabaseMigrationError(value: unknown): value is DatabaseMigrationError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
}

export const DB_FILENAME = 'comfyfleet.db'

/** sha256 of a migration's text, as stored in `_migrations`. */
export function migrationHash(sql: string): string {
  return createHash('sha256').update(sql).digest('hex')
}

/**
 * Open `<dataDir>/comfyfleet.db` (or `:memory:` when dataDir is null) with WAL and foreign keys
 * on, and apply pending migrations.
 *
 * @throws DatabaseMigrationError when a migration fails (rolled back, DB closed) or an applied
 * migration's text changed.
 */
export function openDatabase(dataDir: string | null, migrations: readonly Migration[] = MIGRATIONS): CacheDatabase {
  let file = ':memory:'
  if (dataDir !== null) {
    mkdirSync(dataDir, { recursive: true })
    file = join(dataDir, DB_FILENAME)
  }
  const db = new Database(file, { nativeBinding: sqliteNativeBinding() })
  try {
    db.pragma('journal_mode = WAL')
    // NORMAL is durable across app crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    applyMigrations(db, migrations)
    reuseStatements(db)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

/**
 * Refresh planner statistics with bounded work, as SQLite advises before closing a connection.
 * Not done at open: statistics of a fresh, empty database would mislead the planner later.
 */
export function closeDatabase(db: CacheDatabase): void {
  if (!db.open) return
  db.pragma('analysis_limit = 1000')
  db.pragma('optimize')
  db.close()
}

/** Apply every migration not yet recorded; verify the hash of those that are. */
export function applyMigrations(db: CacheDatabase, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS _migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
  const applied = new Map(
    db
      .prepare<[], { version: number; name: string; sha256: string }>('SELECT version, name, sha256 FROM _migrations')
      .all()
      .map((row) => [row.version, row])
  )
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const hash = migrationHash(migration.sql)
    const done = applied.get(migration.version)
    if (done) {
      if (done.sha256 !== hash) {
        throw new DatabaseMigrationError(
          `Migration ${migration.name} was changed after it was applied to this database ` +
            `(recorded sha256 ${done.sha256.slice(0, 12)}…, now ${hash.slice(0, 12)}…). ` +
            'Restore its original text and put the change in a new migration.',
          migration.name
        )
      }
      continue
    }
    runMigration(db, migration, hash)
  }
}

function runMigration(db: CacheDatabase, migration: Migration, hash: string): void {
  try {
    db.transaction(() => {
      db.exec(migration.sql)
      db.prepare('INSERT INTO _migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)').run(
        migration.version,
        migration.name,
        hash,
        Date.now()
      )
    })()
  } catch (error) {
    throw new DatabaseMigrationError(
      `Migration ${migration.name} failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`,
      migration.name,
      { cause: error }
    )
  }
}
