import { useEffect, useState } from 'react'
import '../../styles/detail.css'
import { downloadWorkflow } from '../../actions/download-actions'
import { loadRunDetail } from '../../actions/run-actions'
import { isActive } from '../../lib/run-groups'
import { useStore } from '../../store'
import { Elapsed } from '../common/Elapsed'
import { ExternalLink } from '../common/ExternalLink'
import { ProgressBar } from '../common/ProgressBar'
import { RunBadge } from '../common/RunBadge'
import { RunActions } from '../runs/RunActions'
import { NodeList } from './NodeList'
import { EventsLog, OutputsGallery, PreviewPane, RunMeta } from './RunSidePanels'
import { WorkflowGraph } from './WorkflowGraph'

/** Above this many nodes the list view is the default: a graph that size is unreadable at fit zoom. */
const LIST_VIEW_THRESHOLD = 60
/** While a run is live its events log grows without a summary change; poll the detail this often. */
const LIVE_REFRESH_MS = 3_000

function LiveHeader({ runId }: { runId: string }) {
  const run = useStore((s) => s.runsById[runId] ?? s.details[runId])
  const live = useStore((s) => s.liveProgress[runId]?.progress)
  if (!run) return null
  const progress = run.status === 'completed' ? 1 : (live ?? run.progress)
  return (
    <div className="detail-progress">
      <ProgressBar value={progress} label="Run progress" tone={`st-${run.status}`} testId="detail-progress" />
      {run.status === 'running' && run.startedAt != null && <Elapsed since={run.startedAt} progress={progress} />}
    </div>
  )
}

/** One run: live graph (or list), preview, outputs, details, events, Temporal link. */
export function RunDetailScreen({ runId }: { runId: string }) {
  const detail = useStore((s) => s.details[runId])
  const error = useStore((s) => s.detailErrors[runId])
  const status = useStore((s) => s.runsById[runId]?.status ?? s.details[runId]?.status)
  const [view, setView] = useState<'graph' | 'list' | null>(null)
  useEffect(() => {
    void loadRunDetail(runId)
  }, [runId])
  const live = status != null && isActive(status)
  useEffect(() => {
    if (!live) return
    const t = setInterval(() => void loadRunDetail(runId), LIVE_REFRESH_MS)
    return () => clearInterval(t)
  }, [runId, live])
  if (!detail)
    return (
      <div className="detail-screen" data-testid="screen-run">
        <a href="#/runs" className="back">
          ← Runs
        </a>
        <p className={error ? 'err-text' : 'muted'} role={error ? 'alert' : undefined}>
          {error ?? 'Loading run…'}
        </p>
      </div>
    )
  const nodeCount = Object.keys(detail.prompt).length
  const shown = view ?? (nodeCount > LIST_VIEW_THRESHOLD ? 'list' : 'graph')
  return (
    <div className="detail-screen" data-testid="screen-run" data-run-id={runId}>
      <header className="screen-header">
        <a href="#/runs" className="back" aria-label="Back to runs">
          ←
        </a>
        <h1 className="detail-title" data-testid="run-title">
          {detail.name}
        </h1>
        <RunBadge runId={runId} testId="detail-status" />
        <LiveHeader runId={runId} />
        <span className="spacer" />
        <div className="tabs" role="group" aria-label="Graph view">
          {(['graph', 'list'] as const).map((v) => (
            <button
              key={v}
              type="button"
              className={`tab${shown === v ? ' active' : ''}`}
              aria-pressed={shown === v}
              onClick={() => setView(v)}
              data-testid={`view-${v}`}
            >
              {v === 'graph' ? 'Graph' : `List (${nodeCount})`}
            </button>
          ))}
        </div>
        <button type="button" className="btn small" onClick={() => void downloadWorkflow(runId, 'api')}>
          API JSON
        </button>
        {detail.workflow != null && (
          <button type="button" className="btn small" onClick={() => void downloadWorkflow(runId, 'ui')}>
            UI JSON
          </button>
        )}
        {detail.temporalUrl && (
          <ExternalLink className="btn small" href={detail.temporalUrl} testId="run-temporal-link">
            Temporal ↗
          </ExternalLink>
        )}
        <RunActions id={runId} status={status ?? detail.status} name={detail.name} />
      </header>
      <div className="detail-body">
        <div className="detail-main">
          {shown === 'graph' ? (
            <WorkflowGraph
              runId={runId}
              prompt={detail.prompt}
              workflow={detail.workflow}
              titles={detail.nodeTitles}
              outputs={detail.outputs}
            />
          ) : (
            <NodeList runId={runId} prompt={detail.prompt} titles={detail.nodeTitles} />
          )}
        </div>
        <aside className="detail-side">
          <PreviewPane runId={runId} running={live} />
          <OutputsGallery outputs={detail.outputs} status={status ?? detail.status} />
          <RunMeta detail={detail} />
          <EventsLog events={detail.events} />
        </aside>
      </div>
    </div>
  )
}
