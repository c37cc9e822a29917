import { memo } from 'react'
import type { RunDetail, RunState } from '../../../../src-shared/contract'
import { isUserCancel } from '../../lib/display-state'
import { describeEvent } from '../../lib/event-text'
import { bridge } from '../../bridge/bridge-context'
import { formatBytes, formatDateTime, splitGpuName } from '../../lib/format'
import { useStore } from '../../store'

/** The latest sampler preview, while the run streams them (previews on). */
export function PreviewPane({ runId, running }: { runId: string; running: boolean }) {
  const url = useStore((s) => s.previews[runId])
  if (!url || !running) return null
  return (
    <section className="panel" aria-label="Live preview">
      <h3 className="panel-title">Live preview</h3>
      <img className="preview-img" src={url} alt="Live sampler preview" data-testid="run-preview" />
    </section>
  )
}

/** Why there is nothing to show: a finished run will not get outputs any more. */
function noOutputs(status: RunState): string {
  if (status === 'completed') return 'This run saved no images.'
  if (status === 'failed' || status === 'cancelled') return `No outputs: the run was ${status} before saving any.`
  return 'No outputs yet.'
}

/** Output images of the run; each opens full size in a new tab. */
export const OutputsGallery = memo(function OutputsGallery({
  outputs,
  status,
}: {
  outputs: RunDetail['outputs']
  status: RunState
}) {
  return (
    <section className="panel" aria-label="Outputs">
      <h3 className="panel-title">
        Outputs <span className="muted">{outputs.length}</span>
      </h3>
      {outputs.length === 0 ? (
        <p className="empty-line" data-testid="run-no-outputs">
          {noOutputs(status)}
        </p>
      ) : (
        <div className="outputs" data-testid="run-outputs">
          {outputs.map((o) => (
            <a
              key={`${o.nodeId}:${o.hash}`}
              href={bridge().imageUrl(o.hash, 'full')}
              target="_blank"
              rel="noreferrer"
              className="output"
              title={`${o.filename} · ${o.width ?? '?'}×${o.height ?? '?'} · ${formatBytes(o.bytes)}`}
            >
              <img
                src={bridge().imageUrl(o.hash, 'thumb')}
                alt={`Output ${o.filename} of node ${o.nodeId}`}
                data-testid="run-output"
              />
            </a>
          ))}
        </div>
      )}
    </section>
  )
})

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  )
}

/** Prompt text, seed, models, timing and the error of a run. */
export const RunMeta = memo(function RunMeta({ detail }: { detail: RunDetail }) {
  const e = detail.error
  return (
    <section className="panel" aria-label="Run details">
      <h3 className="panel-title">Details</h3>
      {e && isUserCancel(e) && (
        <div className="notice-box" data-testid="run-cancelled">
          Cancelled{detail.startedAt != null ? ' while it ran' : ' before it started'}.
        </div>
      )}
      {e && !isUserCancel(e) && (
        <div className="error-box" role="alert" data-testid="run-error">
          <b>{e.kind}</b>
          {e.classType ? ` in ${e.classType}${e.nodeId ? ` #${e.nodeId}` : ''}` : ''}: {e.message}
          {e.nodeErrors && (
            <ul>
              {Object.entries(e.nodeErrors).map(([id, ne]) => (
                <li key={id}>
                  #{id} {ne.classType}: {ne.messages.join('; ')}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <dl className="meta">
        <Row label="Prompt">
          <span className="prompt-text" data-testid="run-positive">
            {detail.positive ?? '—'}
          </span>
        </Row>
        {detail.negative && (
          <Row label="Negative">
            <span className="prompt-text muted">{detail.negative}</span>
          </Row>
        )}
        <Row label="Seed">
          <span className="mono">{detail.seed ?? '—'}</span>
        </Row>
        <Row label="Models">{detail.models.length ? detail.models.join(', ') : '—'}</Row>
        <Row label="Server">
          {detail.serverName ?? '—'}
          {detail.gpu ? (
            <span className="muted" title={detail.gpu}>
              {' '}
              · {splitGpuName(detail.gpu).model}
            </span>
          ) : null}
        </Row>
        <Row label="Created">{formatDateTime(detail.createdAt)}</Row>
        {detail.startedAt != null && <Row label="Started">{formatDateTime(detail.startedAt)}</Row>}
        {detail.finishedAt != null && <Row label="Finished">{formatDateTime(detail.finishedAt)}</Row>}
        <Row label="Workflow id">
          <span className="mono small">{detail.workflowId}</span>
        </Row>
      </dl>
    </section>
  )
})

function summarise(data: Record<string, unknown>): string {
  const parts: string[] = []
  for (const [k, v] of Object.entries(data)) {
    if (k === 'prompt_id' || k === 'timestamp') continue
    const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? '')
    parts.push(`${k}=${text.length > 60 ? `${text.slice(0, 57)}…` : text}`)
    if (parts.length >= 4) break
  }
  return parts.join(' ')
}

/** The ComfyUI events the run saw, oldest first. */
export const EventsLog = memo(function EventsLog({ events }: { events: RunDetail['events'] }) {
  const servers = useStore((s) => s.serversById)
  const serverName = (id: string): string => servers[id]?.name ?? id
  return (
    <section className="panel" aria-label="Events">
      <h3 className="panel-title">
        Events <span className="muted">{events.length}</span>
      </h3>
      {events.length === 0 && <p className="empty-line">No ComfyUI events recorded for this run.</p>}
      <ol className="events" data-testid="run-events">
        {events.map((ev, i) => (
          <li key={i}>
            <span className="mono muted">{new Date(ev.time).toLocaleTimeString(undefined, { hour12: false })}</span>{' '}
            <span className={`ev-type ev-${ev.type}`}>{ev.type}</span>{' '}
            <span className={describeEvent(ev, serverName) ? undefined : 'muted'}>
              {describeEvent(ev, serverName) ?? summarise(ev.data)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  )
})
