import type { AppInfo } from '../../src-shared/contract/app'
import type { FarmServer } from '../../src-shared/contract/farm'
import type { HistoryQuery } from '../../src-shared/contract/bridge'
import { err, ok, type Result } from '../../src-shared/contract/result'
import { HttpError } from '../api/http-util'
import type { Cache } from '../cache'
import { InvalidHistoryQueryError } from '../cache'
import type { RunService } from '../runs/run-service'
import { isFinal } from '../runs/run-states'
import type { RunTracker } from '../runs/run-tracker'
import type { SettingsStore } from '../settings/settings-store'
import type { BridgeHandlers } from './bridge-handlers'
import type { FleetService } from './fleet-service'
import { withParamChecks } from './params'

export interface HandlerDeps {
  info: () => AppInfo
  fleet: FleetService
  runs: RunService
  tracker: RunTracker
  cache: Cache
  settings: SettingsStore
  onSettingsChanged: () => void
  openExternal: (url: string) => Promise<Result<null>>
  /** Servers of the farm's other workers (remote Temporal), as their owners report them. */
  farmServers: () => Promise<FarmServer[]>
}

/**
 * The bridge's request handlers: thin, each delegating to one service. Params arrive checked
 * against their contract schema (withParamChecks); settings are checked by the settings store.
 */
export function createHandlers(d: HandlerDeps): BridgeHandlers {
  return withParamChecks({
    'app:info': () => Promise.resolve(d.info()),
    'app:open-external': (p) => d.openExternal(p.url),
    'servers:list': () => Promise.resolve(d.fleet.list()),
    'servers:add': (p) => d.fleet.add(p),
    'servers:update': (p) => d.fleet.update(p.id, p.patch),
    'servers:remove': (p) => d.fleet.remove(p.id),
    'servers:test': (p) => d.fleet.test(p.address),
    'farm:servers': () => d.farmServers(),
    'runs:submit': (p) => d.runs.submit(p),
    'runs:inspect': (p) => d.runs.inspect(p),
    'runs:list': (p) => Promise.resolve(d.runs.list(p.limit)),
    'runs:get': (p) => d.runs.get(p.id),
    'runs:cancel': (p) => d.runs.cancel(p.id),
    'runs:rerun': (p) => d.runs.rerun(p.id),
    'batches:list': () => Promise.resolve(d.tracker.batchSummaries()),
    'batches:cancel': (p) => d.runs.cancel(p.id),
    'history:search': (p) => Promise.resolve(searchHistory(d.cache, p)),
    'history:delete': (p) => Promise.resolve(deleteRun(d, p.runId)),
    'settings:get': () => Promise.resolve(d.settings.get()),
    'settings:update': (p) => {
      const r = d.settings.update(p)
      if (r.ok) d.onSettingsChanged()
      return Promise.resolve(r)
    },
  })
}

function searchHistory(cache: Cache, q: HistoryQuery): ReturnType<Cache['searchHistory']> {
  try {
    return cache.searchHistory(q)
  } catch (e) {
    if (e instanceof InvalidHistoryQueryError) throw new HttpError(400, 'history/bad-query', e.message)
    throw e
  }
}

/** A run that is still going is cancelled first: deleting it would orphan its prompt on a GPU. */
function deleteRun(d: HandlerDeps, runId: string): Result<null> {
  const run = d.cache.runs.getSummary(runId)
  if (!run) return err('history/unknown-run', `No run ${runId} in the history`)
  if (!isFinal(run.status))
    return err('history/run-active', `Run ${runId} is ${run.status}; cancel it before deleting it`)
  const r = d.cache.deleteRun(runId)
  return r.ok ? ok(null) : r
}
