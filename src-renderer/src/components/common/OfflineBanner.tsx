import { useStore } from '../../store'

/** Says what is down (Temporal, worker, every server, the live link); history and images still browse. */
export function OfflineBanner() {
  const temporalDown = useStore((s) => s.appInfo != null && s.appInfo.temporal.state !== 'up')
  const workerDown = useStore((s) => s.appInfo != null && s.appInfo.worker.state !== 'up')
  const serversDown = useStore(
    (s) =>
      s.serverIds.length > 0 &&
      s.serverIds.every((id) => {
        const v = s.serversById[id]
        return !v || !v.enabled || v.health.state === 'offline'
      })
  )
  const linkDown = useStore((s) => s.connection === 'closed')
  const parts: string[] = []
  if (linkDown) parts.push('the app core is unreachable')
  if (temporalDown) parts.push('Temporal is down')
  if (workerDown) parts.push('the worker is down')
  if (serversDown) parts.push('no ComfyUI server is online')
  if (parts.length === 0) return null
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <b>Offline:</b> {parts.join(', ')}. Cached history and images stay browsable; new runs wait until it is back.
    </div>
  )
}
