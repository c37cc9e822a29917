import type { RunState } from '../../../../src-shared/contract'
import { cancelRun, rerun } from '../../actions/run-actions'
import { navigate } from '../../events/route-events'
import { isActive } from '../../lib/run-groups'

/** Cancel for live runs; retry/re-run for finished ones (a re-run opens the new run). */
export function RunActions({ id, status, name }: { id: string; status: RunState; name: string }) {
  if (isActive(status))
    return (
      <button
        type="button"
        className="btn small"
        data-testid="run-cancel"
        aria-label={`Cancel ${name}`}
        onClick={() => void cancelRun(id)}
      >
        Cancel
      </button>
    )
  const label = status === 'completed' ? 'Re-run' : 'Retry'
  return (
    <button
      type="button"
      className="btn small"
      data-testid="run-rerun"
      aria-label={`${label} ${name}`}
      onClick={() =>
        void rerun(id).then((newId) => {
          if (newId && window.location.hash.startsWith('#/runs/')) navigate({ name: 'run', id: newId })
        })
      }
    >
      {label}
    </button>
  )
}
