import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../../../src-main/cache/db'
import { sqliteNativeBinding } from '../../../../src-main/cache/native-binding'
import { reuseStatements } from '../../../../src-main/cache/statement-cache'

describe('the statement cache', () => {
  it('compiles each SQL text once per connection, for every store on it', () => {
    const db = openDatabase(null)
    const other = openDatabase(null)
    const sql = 'SELECT count(*) AS n FROM runs'
    expect(db.prepare(sql)).toBe(db.prepare(sql))
    expect(db.prepare(sql)).not.toBe(db.prepare('SELECT 1'))
    expect(other.prepare(sql)).not.toBe(db.prepare(sql))
    expect(db.prepare<[], { n: number }>(sql).get()).toEqual({ n: 0 })
    db.close()
    other.close()
  })

  it('starts over past its bound, and the statements it hands out still run', () => {
    const db = new Database(':memory:', { nativeBinding: sqliteNativeBinding() })
    reuseStatements(db, 2)
    const first = db.prepare('SELECT 1 AS v')
    db.prepare('SELECT 2 AS v')
    db.prepare('SELECT 3 AS v') // the third text clears the cache
    const again = db.prepare('SELECT 1 AS v')
    expect(again).not.toBe(first)
    expect(again.get()).toEqual({ v: 1 })
    expect(first.get()).toEqual({ v: 1 })
    db.close()
  })
})
