import { useEffect, useState } from 'react'
import type { FarmServer } from '../../../../src-shared/contract'
import { api } from '../../bridge/bridge-context'
import { formatBytes } from '../../lib/format'

const REFRESH_MS = 5_000

/** The farm's servers as their owners report them, refreshed while the screen is open. */
function useFarmServers(): FarmServer[] {
  const [servers, setServers] = useState<FarmServer[]>([])
  useEffect(() => {
    let live = true
    const load = (): void =>
      void api()
        .servers.farm()
        .then((s) => live && setServers(s))
        .catch(() => undefined)
    load()
    const timer = setInterval(load, REFRESH_MS)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [])
  return servers
}

function health(s: FarmServer): string {
  const r = s.report
  if (r === null) return 'no report yet'
  if (!r.online) return `down${r.downReason === null ? '' : `: ${r.downReason}`}`
  return r.accepting ? 'online' : 'online, not accepting'
}

/**
 * Remote Temporal: servers owned by the GPU hosts' workers. Read-only here, because each server has
 * exactly one owner (the worker whose config lists it); shown only when the farm has any.
 */
export function FarmServersTable() {
  const servers = useFarmServers()
  if (servers.length === 0) return null
  return (
    <section className="farm-servers" data-testid="farm-servers">
      <h2>Farm servers (owned by their hosts&apos; workers, read-only)</h2>
      <table>
        <thead>
          <tr>
            <th>Server</th>
            <th>Owner</th>
            <th>Health</th>
            <th>GPU</th>
            <th>VRAM free</th>
            <th>Queue</th>
          </tr>
        </thead>
        <tbody>
          {servers.map((s) => (
            <tr key={`${s.owner}/${s.report?.address ?? ''}`}>
              <td title={s.report?.address}>{s.report?.name ?? '?'}</td>
              <td>{s.owner}</td>
              <td>{health(s)}</td>
              <td>{s.report?.gpu ?? '—'}</td>
              <td>
                {s.report?.vramFree == null
                  ? '—'
                  : `${formatBytes(s.report.vramFree)} / ${formatBytes(s.report.vramTotal ?? 0)}`}
              </td>
              <td>
                {s.report?.inUse ?? 0}/{s.report?.slots ?? 0}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
