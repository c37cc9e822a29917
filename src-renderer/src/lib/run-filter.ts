/**
 * The Runs screen's search and filters, applied to the grouped lists: a run item shows when its run
 * matches, a batch when any of its runs does (so a search for a prompt word finds the batch it ran in).
 */
import type { RunState, RunSummary } from '../../../src-shared/contract'
import { isActive } from './run-groups'

export interface RunFilter {
  text: string
  status: 'any' | 'active' | RunState
  serverId: string
  batchId: string
}

export const NO_FILTER: RunFilter = { text: '', status: 'any', serverId: '', batchId: '' }

export const isFiltering = (f: RunFilter): boolean =>
  f.text.trim() !== '' || f.status !== 'any' || f.serverId !== '' || f.batchId !== ''

/** Whether one run passes the filter (text: name, prompt, server, models, seed or id, all words). */
export function matchesRun(run: RunSummary, f: RunFilter): boolean {
  if (f.status === 'active' ? !isActive(run.status) : f.status !== 'any' && run.status !== f.status) return false
  if (f.serverId && run.serverId !== f.serverId) return false
  if (f.batchId && run.batchId !== f.batchId) return false
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return true
  const hay = [run.name, run.positive ?? '', run.serverName ?? '', run.models.join(' '), String(run.seed ?? ''), run.id]
    .join('\n')
    .toLowerCase()
  return words.every((w) => hay.includes(w))
}

/** Keeps the items (`run:<id>` / `batch:<id>`) that match; the same array when nothing is filtered. */
export function filterItems(
  items: string[],
  f: RunFilter,
  runsById: Record<string, RunSummary>,
  batchRuns: Record<string, string[]>
): string[] {
  if (!isFiltering(f)) return items
  return items.filter((item) => {
    const sep = item.indexOf(':')
    const id = item.slice(sep + 1)
    if (item.startsWith('batch:'))
      return (batchRuns[id] ?? []).some((rid) => {
        const r = runsById[rid]
        return r !== undefined && matchesRun(r, f)
      })
    const run = runsById[id]
    return run !== undefined && matchesRun(run, f)
  })
}

/** Recent items still shown after "Clear finished" at `clearedAt` (epoch ms; 0: never cleared). */
export function afterClear(
  items: string[],
  clearedAt: number,
  runsById: Record<string, RunSummary>,
  batchRuns: Record<string, string[]>
): string[] {
  if (clearedAt === 0) return items
  const finishedAfter = (r: RunSummary | undefined): boolean => (r?.finishedAt ?? r?.createdAt ?? 0) > clearedAt
  return items.filter((item) => {
    const id = item.slice(item.indexOf(':') + 1)
    if (item.startsWith('batch:')) return (batchRuns[id] ?? []).some((rid) => finishedAfter(runsById[rid]))
    return finishedAfter(runsById[id])
  })
}
