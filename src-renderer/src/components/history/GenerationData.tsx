import { useEffect, useMemo } from 'react'
import { generationData } from '../../../../src-shared/comfy/generation-data'
import { loadRunDetail } from '../../actions/run-actions'
import { formatDuration } from '../../lib/format'
import { useStore } from '../../store'

const show = (v: string | number | null): string => (v === null ? '—' : String(v))

/**
 * How an image was made, from its run's prompt: sampler, scheduler, steps, cfg, denoise, negative prompt,
 * LoRAs with strengths, latent size, duration. Loaded with the run (the history row carries only what
 * search and captions need).
 */
export function GenerationData({ runId }: { runId: string }) {
  const detail = useStore((s) => s.details[runId])
  useEffect(() => {
    void loadRunDetail(runId)
  }, [runId])
  const data = useMemo(() => (detail ? generationData(detail.prompt) : null), [detail])
  if (!detail || !data) return <p className="muted small">Loading generation data…</p>
  const duration =
    detail.startedAt != null && detail.finishedAt != null ? formatDuration(detail.finishedAt - detail.startedAt) : null
  return (
    <dl className="meta" data-testid="viewer-generation">
      <dt>Sampler</dt>
      <dd data-testid="gen-sampler">
        {show(data.sampler)}
        {data.scheduler ? ` · ${data.scheduler}` : ''}
      </dd>
      <dt>Steps</dt>
      <dd data-testid="gen-steps">{show(data.steps)}</dd>
      <dt>CFG</dt>
      <dd data-testid="gen-cfg">{show(data.cfg)}</dd>
      {data.denoise !== null && data.denoise !== 1 && (
        <>
          <dt>Denoise</dt>
          <dd>{data.denoise}</dd>
        </>
      )}
      <dt>Negative</dt>
      <dd className="prompt-text muted" data-testid="gen-negative">
        {detail.negative ?? '—'}
      </dd>
      {data.loras.length > 0 && (
        <>
          <dt>LoRAs</dt>
          <dd data-testid="gen-loras">
            {data.loras.map((l) => `${l.name}${l.strengthModel !== null ? ` @ ${l.strengthModel}` : ''}`).join(', ')}
          </dd>
        </>
      )}
      <dt>Latent size</dt>
      <dd>{data.width !== null && data.height !== null ? `${data.width}×${data.height}` : '—'}</dd>
      <dt>Duration</dt>
      <dd data-testid="gen-duration">{duration ?? '—'}</dd>
    </dl>
  )
}
