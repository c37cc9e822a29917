import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DB_FILENAME, DatabaseMigrationError, isDatabaseMigrationError, openDatabase } from '../../../../src-main/cache'
import { migrationHash } from '../../../../src-main/cache/db'
import { MIGRATIONS } from '../../../../src-main/cache/migrations'
import { RunRepository } from '../../../../src-main/cache'
import { newRun, tempDir } from '../../../helpers/cache-fixtures'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((f) => f()))

function dir(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return t.dir
}

describe('openDatabase', () => {
  it('creates comfyfleet.db in WAL mode with foreign keys and records each migration hash', () => {
    const d = dir()
    const db = openDatabase(d)
    expect(existsSync(join(d, DB_FILENAME))).toBe(true)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    const rows = db.prepare('SELECT version, name, sha256 FROM _migrations').all()
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, sha256: migrationHash(m.sql) })))
    db.close()
  })

  it('compiles each SQL text once and hands the same statement back', () => {
    const db = openDatabase(null)
    const sql = 'SELECT count(*) AS n FROM _migrations'
    expect(db.prepare(sql)).toBe(db.prepare(sql))
    expect(db.prepare(sql)).not.toBe(db.prepare(`${sql} WHERE version > 0`))
    expect(db.prepare(sql).get()).toEqual({ n: MIGRATIONS.length })
    db.close()
  })

  it('reopens an up-to-date database without re-applying anything', () => {
    const d = dir()
    openDatabase(d).close()
    const db = openDatabase(d)
    expect(db.prepare('SELECT count(*) AS n FROM _migrations').get()).toEqual({ n: MIGRATIONS.length })
    db.close()
  })

  it('refuses to open when an applied migration was edited', () => {
    const d = dir()
    openDatabase(d).close()
    const edited = MIGRATIONS.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- sneaky edit` } : m))
    let caught: unknown
    try {
      openDatabase(d, edited)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(DatabaseMigrationError)
    expect(isDatabaseMigrationError(caught)).toBe(true)
    expect((caught as Error).message).toMatch(/001-initial was changed after it was applied/)
  })

  it('rolls back a failing migration completely and reports it', () => {
    const d = dir()
    const bad = [
      ...MIGRATIONS,
      { version: 99, name: '099-broken', sql: 'CREATE TABLE half_done (x INTEGER); CREATE TABLE oops (' },
    ]
    expect(() => openDatabase(d, bad)).toThrow(/099-broken failed and was rolled back/)
    const db = openDatabase(d)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined()
    expect(db.prepare('SELECT max(version) AS v FROM _migrations').get()).toEqual({ v: MIGRATIONS.length })
    db.close()
  })

  it('upgrades a version-1 database and keeps its runs searchable', () => {
    const d = dir()
    const v1 = openDatabase(d, MIGRATIONS.slice(0, 1))
    new RunRepository(v1).insertRun(newRun('old', { positive: 'an ancient lighthouse' }))
    v1.close()
    const db = openDatabase(d)
    expect(db.prepare('SELECT max(version) AS v FROM _migrations').get()).toEqual({ v: MIGRATIONS.length })
    new RunRepository(db).insertRun(newRun('new', { positive: 'a lighthouse at night' }))
    const hits = db.prepare("SELECT rowid FROM runs_fts WHERE runs_fts MATCH 'lig*' ORDER BY rowid").all()
    expect(hits).toHaveLength(2)
    db.close()
  })

  it('applies a new migration on top of an existing database', () => {
    const d = dir()
    openDatabase(d).close()
    const db = openDatabase(d, [
      ...MIGRATIONS,
      { version: 99, name: '099-extra', sql: 'CREATE TABLE extra (x INTEGER);' },
    ])
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ name: 'extra' })
    db.close()
  })
})
