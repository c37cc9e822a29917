/** `ComfyFleet`, prefixed with live counts, e.g. `▶2 ⏸3 · ComfyFleet`. */
export function windowTitle(running: number, pending: number): string {
  const parts: string[] = []
  if (running > 0) parts.push(`▶${running}`)
  if (pending > 0) parts.push(`⏸${pending}`)
  return parts.length ? `${parts.join(' ')} · ComfyFleet` : 'ComfyFleet'
}

/** Compact duration: `850ms`, `12.3s`, `4m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1_000) return `${Math.round(ms)}ms`
  const s = ms / 1_000
  if (s < 60) return `${s.toFixed(1)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`
}

/** Remaining time from elapsed and fraction done; null while too early to guess (under 2 %). */
export function estimateRemaining(elapsedMs: number, progress: number): number | null {
  if (progress < 0.02 || progress >= 1 || elapsedMs <= 0) return null
  return (elapsedMs / progress) * (1 - progress)
}

/** Bytes in binary units: `7.6 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`
}

/** `just now`, `5m ago`, `3h ago`, else a local date. */
export function formatAgo(at: number, now: number): string {
  const d = now - at
  if (d < 45_000) return 'just now'
  if (d < 3_600_000) return `${Math.round(d / 60_000)}m ago`
  if (d < 86_400_000) return `${Math.round(d / 3_600_000)}h ago`
  return new Date(at).toLocaleDateString()
}

/** Local date and time, second resolution. */
export function formatDateTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { hour12: false })
}

/** Percent with no decimals. */
export function formatPercent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`
}

/**
 * ComfyUI reports devices as `cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync`; the card shows the
 * model and keeps the device index and allocator as a detail.
 */
export function splitGpuName(device: string): { model: string; detail: string } {
  const m = /^(\w+:\d+)\s+(.*?)(?:\s+:\s+(\S+))?$/.exec(device.trim())
  if (!m) return { model: device, detail: '' }
  return { model: m[2] ?? device, detail: [m[1], m[3]].filter(Boolean).join(' · ') }
}
