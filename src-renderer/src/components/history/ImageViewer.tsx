import { useEffect, useState } from 'react'
import { downloadImage, downloadWorkflow } from '../../actions/download-actions'
import { deleteHistoryRun } from '../../actions/history-actions'
import { rerun } from '../../actions/run-actions'
import { bridge } from '../../bridge/bridge-context'
import { navigate } from '../../events/route-events'
import { formatDateTime } from '../../lib/format'
import { useStore } from '../../store'
import { ConfirmDialog } from '../common/ConfirmDialog'
import { GenerationData } from './GenerationData'
import { Modal } from '../common/Modal'
import { StatusBadge } from '../common/StatusBadge'

/** Full-size image with its metadata and run; ←/→ step through the grid. */
export function ImageViewer() {
  const index = useStore((s) => s.viewerIndex)
  const item = useStore((s) => (s.viewerIndex == null ? undefined : s.historyItems[s.viewerIndex]))
  const count = useStore((s) => s.historyItems.length)
  const open = useStore((s) => s.openViewer)
  const [confirming, setConfirming] = useState(false)
  useEffect(() => {
    if (index == null) return
    const onKey = (e: KeyboardEvent): void => {
      if (e.target instanceof HTMLInputElement) return
      if (e.key === 'ArrowRight' && index < count - 1) open(index + 1)
      if (e.key === 'ArrowLeft' && index > 0) open(index - 1)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [index, count, open])
  if (index == null || !item) return null
  const close = (): void => open(null)
  const name = `${item.runId.slice(0, 8)}-${item.nodeId ?? 'run'}`
  const hash = item.hash
  return (
    <Modal title={hash ? 'Image' : 'Run without an image'} onClose={close} testId="image-viewer" wide>
      <div className="viewer">
        <div className="viewer-image">
          {hash ? (
            <img
              src={bridge().imageUrl(hash, 'full')}
              alt={item.positive ?? 'Generated image'}
              data-testid="viewer-image"
            />
          ) : (
            <p className="viewer-noimage" data-testid="viewer-noimage">
              {item.errorMessage ?? `This run was ${item.status} before it saved an image.`}
            </p>
          )}
        </div>
        <aside className="viewer-meta">
          <dl className="meta">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={item.status} />
            </dd>
            <dt>Prompt</dt>
            <dd className="prompt-text" data-testid="viewer-prompt">
              {item.positive ?? '—'}
            </dd>
            <dt>Seed</dt>
            <dd className="mono">{item.seed ?? '—'}</dd>
            <dt>Models</dt>
            <dd>{item.models.join(', ') || '—'}</dd>
            <dt>Server</dt>
            <dd>{item.serverName ?? '—'}</dd>
            {hash && (
              <>
                <dt>Size</dt>
                <dd>
                  {item.width ?? '?'}×{item.height ?? '?'} {item.format}
                </dd>
              </>
            )}
            <dt>Created</dt>
            <dd>{formatDateTime(item.createdAt)}</dd>
            {item.nodeId && (
              <>
                <dt>Node</dt>
                <dd className="mono">#{item.nodeId}</dd>
              </>
            )}
          </dl>
          <GenerationData runId={item.runId} />
          <div className="viewer-actions">
            <button
              type="button"
              className="btn"
              data-testid="viewer-open-run"
              onClick={() => {
                close()
                navigate({ name: 'run', id: item.runId })
              }}
            >
              Open run
            </button>
            <button type="button" className="btn" data-testid="viewer-rerun" onClick={() => void rerun(item.runId)}>
              Re-run
            </button>
            {hash && (
              <button
                type="button"
                className="btn"
                onClick={() => void downloadImage(hash, name, item.format ?? 'png')}
                data-testid="viewer-download-image"
              >
                Download image
              </button>
            )}
            <button
              type="button"
              className="btn"
              onClick={() => void downloadWorkflow(item.runId, 'api')}
              data-testid="viewer-download-api"
            >
              API JSON
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => void downloadWorkflow(item.runId, 'ui')}
              data-testid="viewer-download-ui"
            >
              UI JSON
            </button>
            <button
              type="button"
              className="btn danger"
              onClick={() => setConfirming(true)}
              data-testid="viewer-delete"
            >
              Delete
            </button>
          </div>
          <p className="muted small">
            {index + 1} of {count} · ←/→ to step
          </p>
        </aside>
      </div>
      {confirming && (
        <ConfirmDialog
          title="Delete from history?"
          message="The run's cached images and record are removed from this machine. Files on the ComfyUI server are not touched."
          confirmLabel="Delete"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false)
            void deleteHistoryRun(item.runId)
          }}
        />
      )}
    </Modal>
  )
}
