import { useState } from 'react'
import '../../styles/servers.css'
import { useStore } from '../../store'
import { OfflineBanner } from '../common/OfflineBanner'
import { ServerCard } from './ServerCard'
import { FarmServersTable } from './FarmServersTable'
import { ServerForm } from './ServerForm'

function FarmSummary() {
  const ids = useStore((s) => s.serverIds)
  const online = useStore((s) => s.serverIds.filter((id) => s.serversById[id]?.health.state === 'online').length)
  const slots = useStore((s) => s.serverIds.reduce((n, id) => n + (s.serversById[id]?.slotsInUse ?? 0), 0))
  const total = useStore((s) => s.serverIds.reduce((n, id) => n + (s.serversById[id]?.slots ?? 0), 0))
  return (
    <span className="header-stats">
      <span className="count">
        {online}/{ids.length} online
      </span>
      <span className="count">
        {slots}/{total} slots busy
      </span>
    </span>
  )
}

/** The GPU farm: one live card per server, plus add. */
export function ServersScreen() {
  const ids = useStore((s) => s.serverIds)
  const loaded = useStore((s) => s.serversLoaded)
  const [adding, setAdding] = useState(false)
  return (
    <div className="servers-screen" data-testid="screen-servers">
      <header className="screen-header">
        <h1>Servers</h1>
        <FarmSummary />
        <span className="spacer" />
        <button type="button" className="btn primary" onClick={() => setAdding(true)} data-testid="server-add">
          Add server
        </button>
      </header>
      <OfflineBanner />
      {loaded && ids.length === 0 ? (
        <div className="hero">
          <div className="hero-title">No servers yet</div>
          <div className="hero-sub">Add a ComfyUI server (e.g. http://gpu-box:8188) to start running workflows.</div>
        </div>
      ) : (
        <div className="server-grid">
          {ids.map((id) => (
            <ServerCard key={id} id={id} />
          ))}
        </div>
      )}
      <FarmServersTable />
      {adding && <ServerForm onClose={() => setAdding(false)} />}
    </div>
  )
}
