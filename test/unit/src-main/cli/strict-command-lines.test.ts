/**
 * Issue #18 item 5: every command line is parsed strictly, and a misspelled flag stops the program
 * with exit code 2 naming it (it used to be ignored: `run x.json --wiat` submitted and did not wait).
 * Each entry point is started as a user starts it; none gets far enough to need a server.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseArgs } from '../../../../src-main/cli/args'

const ROOT = join(__dirname, '..', '..', '..', '..')

function start(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 30_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('strict command lines', () => {
  it('the CLI reads every flag it documents', () => {
    const a = parseArgs(['run', 'x.json', '--wait', '--seeds', '1..4', '--json', '--priority=3', '--url', 'http://h'])
    expect(a.positionals).toEqual(['run', 'x.json'])
    expect(Object.fromEntries(a.flags)).toEqual({
      wait: true,
      seeds: '1..4',
      json: true,
      priority: '3',
      url: 'http://h',
    })
  })

  it('the CLI exits 2 naming a misspelled flag, without submitting anything', () => {
    const r = start([
      '--import',
      'tsx',
      'src-main/cli/index.ts',
      'run',
      'x.json',
      '--wiat',
      '--url',
      'http://127.0.0.1:9',
    ])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('unknown option --wiat')
    expect(r.stdout).toBe('')
  })

  it('the CLI exits 2 when a flag that needs a value has none', () => {
    const r = start(['--import', 'tsx', 'src-main/cli/index.ts', 'run', 'x.json', '--seeds'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('--seeds needs a value')
  })

  it('a standalone worker exits 2 naming a misspelled flag', () => {
    const r = start(['--import', 'tsx', 'src-worker/index.ts', '--confg', 'worker.json'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('unknown option --confg')
  })

  it('a bench exits 2 naming a misspelled flag before it starts anything', () => {
    const r = start(['--import', 'tsx', 'bench/throughput.ts', '--rusn', '30'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('unknown option --rusn')
  })

  it('npm run bench exits 2 naming an unknown bench in --only, and a misspelled flag', () => {
    const unknown = start(['scripts/bench-all.mjs', '--only=makespan,nope'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('unknown bench nope')
    const typo = start(['scripts/bench-all.mjs', '--qiuck'])
    expect(typo.status).toBe(2)
    expect(typo.stderr).toContain('--qiuck')
  })
})
