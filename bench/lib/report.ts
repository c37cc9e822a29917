/** Shared output of the benchmarks: percentiles, a printed table, and the JSON file under bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'

/** One target line of a benchmark: what was measured against what it must reach. */
export interface Target {
  name: string
  value: number
  target: number
  unit: string
  /** 'max': value must be ≤ target; 'min': value must be ≥ target. */
  kind: 'max' | 'min'
  pass: boolean
}

export function target(name: string, value: number, limit: number, unit: string, kind: 'max' | 'min'): Target {
  const pass = Number.isFinite(value) && (kind === 'max' ? value <= limit : value >= limit)
  return { name, value, target: limit, unit, kind, pass }
}

/** The q-quantile (0..1) of `values`, nearest-rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[index]!
}

export const median = (values: number[]): number => quantile(values, 0.5)

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits

/** Prints the targets plainly, one per line, with PASS or MISS. */
export function printTargets(title: string, targets: Target[]): void {
  console.log(`\n${title}: targets`)
  for (const t of targets) {
    const op = t.kind === 'max' ? '≤' : '≥'
    console.log(
      `  ${t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${round(t.value, 3)} ${t.unit} (target ${op} ${t.target} ${t.unit})`
    )
  }
}

/** Writes bench/results/<name>.json with the date, the machine and the targets. */
export function writeResult(name: string, body: Record<string, unknown> & { targets: Target[] }): string {
  const dir = join(__dirname, '..', 'results')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${name}.json`)
  // The load average says how shared the machine was: figures from a busy machine are not comparable.
  const machine = { cpus: cpus().length, loadavg: loadavg().map((l) => round(l)) }
  const doc = { benchmark: name, date: new Date().toISOString(), node: process.version, machine, ...body }
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`)
  console.log(`\nwrote ${path} (load average ${machine.loadavg.join(' ')} on ${machine.cpus} cores)`)
  return path
}
