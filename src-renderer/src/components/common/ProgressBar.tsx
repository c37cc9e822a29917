import { formatPercent } from '../../lib/format'

/** A thin progress bar with an accessible value; `tone` colours it by run state. */
export function ProgressBar(props: { value: number; label: string; tone?: string; testId?: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, props.value)) * 100)
  return (
    <div
      className={`progress ${props.tone ?? ''}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      aria-valuetext={formatPercent(props.value)}
      data-testid={props.testId}
    >
      <div className="progress-fill" style={{ transform: `scaleX(${pct / 100})` }} />
    </div>
  )
}
