import type { Database } from 'better-sqlite3'

/** Most SQL texts the statement cache keeps before it starts over (a bound for dynamically built queries). */
export const MAX_STATEMENTS = 500

/**
 * The one statement cache of the SQLite connection: `db.prepare` compiles each SQL text once and hands the
 * same statement back afterwards, for every repository and store on the connection (runs, history search,
 * batches, servers), so none keeps a map of its own. The cache's queries run per run, per event and per
 * list, and compiling them again each time was a large share of main's CPU under load. A cached statement
 * is safe to share because no caller changes a statement's mode (pluck/raw/expand) and none iterates one
 * while running another.
 */
export function reuseStatements(db: Database, max = MAX_STATEMENTS): void {
  const compile = db.prepare.bind(db)
  const statements = new Map<string, ReturnType<typeof compile>>()
  const prepare = (sql: string): ReturnType<typeof compile> => {
    let statement = statements.get(sql)
    if (statement === undefined) {
      if (statements.size >= max) statements.clear()
      statement = compile(sql)
      statements.set(sql, statement)
    }
    return statement
  }
  db.prepare = prepare as typeof db.prepare
}
