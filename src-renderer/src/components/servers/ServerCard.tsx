import { memo, useState } from 'react'
import { patchServer, removeServer } from '../../actions/server-actions'
import { formatBytes, splitGpuName } from '../../lib/format'
import { useStore } from '../../store'
import { ConfirmDialog } from '../common/ConfirmDialog'
import { ProgressBar } from '../common/ProgressBar'
import { ServerForm } from './ServerForm'

function CurrentRun({ id }: { id: string }) {
  const name = useStore((s) => s.runsById[id]?.name ?? id.slice(0, 8))
  const progress = useStore((s) => s.liveProgress[id]?.progress ?? s.runsById[id]?.progress ?? 0)
  return (
    <li>
      <a href={`#/runs/${encodeURIComponent(id)}`}>{name}</a>{' '}
      <span className="muted">{Math.round(progress * 100)}%</span>
    </li>
  )
}

function GpuName({ device }: { device: string }) {
  const { model, detail } = splitGpuName(device)
  return (
    <span title={device}>
      {model} {detail && <span className="muted small">{detail}</span>}
    </span>
  )
}

function Stat({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
    </div>
  )
}

/** One server: health, GPU and VRAM, load, current runs, and its controls. */
export const ServerCard = memo(function ServerCard({ id }: { id: string }) {
  const server = useStore((s) => s.serversById[id])
  const [editing, setEditing] = useState(false)
  const [confirming, setConfirming] = useState(false)
  if (!server) return null
  const h = server.health
  const dev = h.device
  const used = dev ? dev.vramTotal - dev.vramFree : 0
  const state = !server.enabled ? 'disabled' : server.draining ? 'draining' : h.state
  return (
    <article
      className={`server-card hs-${h.state}${server.enabled ? '' : ' disabled'}`}
      data-testid="server-card"
      data-server-id={id}
      data-state={h.state}
      aria-label={`Server ${server.name}`}
    >
      <header className="server-head">
        <span className={`dot hs-${h.state}`} aria-hidden="true" />
        <h2 className="server-name" data-testid="server-name">
          {server.name}
        </h2>
        <span className={`badge hs-${state}`} data-testid="server-state">
          {state}
        </span>
      </header>
      <div className="server-address mono">{server.address}</div>
      <div className="server-gpu" data-testid="server-gpu">
        {dev ? <GpuName device={dev.name} /> : <span className="muted">GPU unknown</span>}
      </div>
      {dev && dev.vramTotal > 0 && (
        <div className="vram">
          <ProgressBar
            value={used / dev.vramTotal}
            label="VRAM used"
            tone={used / dev.vramTotal > 0.9 ? 'hot' : 'vram'}
          />
          <span className="muted small">
            VRAM {formatBytes(used)} / {formatBytes(dev.vramTotal)}
          </span>
        </div>
      )}
      <div className="stats">
        <Stat label="Slots" value={`${server.slotsInUse}/${server.slots}`} testId="server-slots" />
        <Stat label="Queue" value={h.queueRemaining ?? '—'} testId="server-queue" />
        <Stat label="Speed" value={server.speed != null ? `${server.speed.toFixed(2)}×` : '—'} />
        <Stat label="Latency" value={h.latencyMs != null ? `${Math.round(h.latencyMs)}ms` : '—'} />
      </div>
      {h.error && (
        <div className="err-text small" data-testid="server-error">
          {h.error}
        </div>
      )}
      {server.currentRunIds.length > 0 && (
        <ul className="server-runs" aria-label="Current runs">
          {server.currentRunIds.map((rid) => (
            <CurrentRun key={rid} id={rid} />
          ))}
        </ul>
      )}
      <footer className="server-actions">
        <button
          type="button"
          className="btn small"
          data-testid="server-toggle-enabled"
          onClick={() => void patchServer(id, { enabled: !server.enabled })}
        >
          {server.enabled ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          className="btn small"
          data-testid="server-toggle-drain"
          aria-pressed={server.draining}
          onClick={() => void patchServer(id, { draining: !server.draining })}
        >
          {server.draining ? 'Undrain' : 'Drain'}
        </button>
        <button type="button" className="btn small" data-testid="server-edit" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button
          type="button"
          className="btn small danger"
          data-testid="server-remove"
          onClick={() => setConfirming(true)}
        >
          Remove
        </button>
        {h.comfyuiVersion && <span className="muted small push-right">ComfyUI {h.comfyuiVersion}</span>}
      </footer>
      {editing && <ServerForm server={server} onClose={() => setEditing(false)} />}
      {confirming && (
        <ConfirmDialog
          title={`Remove ${server.name}?`}
          message={
            server.currentRunIds.length > 0
              ? `Its ${server.currentRunIds.length === 1 ? 'run moves' : `${server.currentRunIds.length} runs move`} to other servers first (a running one starts over there). Its cached images stay in history.`
              : 'The server is forgotten. Its cached images stay in history.'
          }
          confirmLabel="Remove"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false)
            void removeServer(id)
          }}
        />
      )}
    </article>
  )
})
