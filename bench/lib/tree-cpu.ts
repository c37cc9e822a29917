/**
 * CPU time used by this process and every process below it (Temporal dev server, worker, simulated farm),
 * from /proc (Linux). On a machine shared with other work a rate in runs per second moves with the others'
 * load; CPU milliseconds per run move much less, so two systems measured minutes apart compare fairly.
 */
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc's times (USER_HZ): 100 on every Linux this runs on. */
const TICKS_PER_S = 100

interface ProcStat {
  pid: number
  ppid: number
  cpuMs: number
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces and parentheses: fields are counted after its closing one.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return { pid, ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_S }
  } catch {
    return null // gone meanwhile
  }
}

/** Milliseconds of CPU used so far by this process tree; null where /proc is missing (not Linux). */
export function treeCpuMs(root = process.pid): number | null {
  const tree = treeStats(root)
  return tree === null ? null : tree.reduce((sum, s) => sum + s.cpuMs, 0)
}

/**
 * CPU used so far by each kind of process in the tree (the Temporal server, the worker, …), named by
 * `kindOf` from the process's command line (`root` is the root's own kind); null off Linux.
 */
export function treeCpuByKind(kindOf: (commandLine: string) => string, root = process.pid): Map<string, number> | null {
  const tree = treeStats(root)
  if (tree === null) return null
  const byKind = new Map<string, number>()
  for (const s of tree) {
    const kind = s.pid === root ? 'root' : kindOf(commandLine(s.pid))
    byKind.set(kind, (byKind.get(kind) ?? 0) + s.cpuMs)
  }
  return byKind
}

/** The root and every process below it. */
function treeStats(root: number): ProcStat[] | null {
  let pids: number[]
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
  } catch {
    return null
  }
  const stats = pids.map(readStat).filter((s): s is ProcStat => s !== null)
  const children = new Map<number, ProcStat[]>()
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s])
  const tree = stats.filter((s) => s.pid === root)
  const visit = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      tree.push(child)
      visit(child.pid)
    }
  }
  visit(root)
  return tree
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return '' // gone meanwhile
  }
}
