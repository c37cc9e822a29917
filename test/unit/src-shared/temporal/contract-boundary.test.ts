/**
 * The Temporal contract has one home (src-shared/temporal): the main process starts, signals and
 * queries workflows through it and never reaches into the worker's code, so the two can be built,
 * shipped and changed apart (#18). A path to src-worker anywhere in src-main fails here.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(__dirname, '../../../..')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
}

describe('the Temporal contract boundary', () => {
  it('src-main names nothing in src-worker', () => {
    const files = sourceFiles(join(root, 'src-main'))
    expect(files.length).toBeGreaterThan(50)
    const offenders = files.filter((file) => readFileSync(file, 'utf8').includes('src-worker'))
    expect(offenders.map((file) => relative(root, file))).toEqual([])
  })

  it('src-shared imports nothing from src-main or src-worker', () => {
    const offenders = sourceFiles(join(root, 'src-shared')).filter((file) =>
      /from '[./]*(src-main|src-worker)\//.test(readFileSync(file, 'utf8'))
    )
    expect(offenders.map((file) => relative(root, file))).toEqual([])
  })
})
