import type { RunState } from '../../../../src-shared/contract'

/** A run state as a coloured pill; the text is the state itself so tests and screen readers read it. */
export function StatusBadge({ status, testId }: { status: RunState; testId?: string }) {
  return (
    <span className={`badge st-${status}`} data-testid={testId} data-status={status}>
      {status}
    </span>
  )
}
