import { runDisplay } from '../../lib/display-state'
import { useStore } from '../../store'

/**
 * A run's state as the user should read it: the engine's state, told apart where it matters (queued on a
 * server vs running, moving off a server that went offline). `data-status` stays the engine's state.
 */
export function RunBadge({ runId, testId }: { runId: string; testId?: string }) {
  const run = useStore((s) => s.runsById[runId] ?? s.details[runId])
  const health = useStore((s) => {
    const id = (s.runsById[runId] ?? s.details[runId])?.serverId
    return id ? (s.serversById[id]?.health.state ?? null) : null
  })
  if (!run) return null
  const d = runDisplay(run, health)
  return (
    <span
      className={`badge st-${d.state}`}
      data-testid={testId}
      data-status={run.status}
      data-display={d.state}
      title={d.title}
    >
      {d.label}
    </span>
  )
}
