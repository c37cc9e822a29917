import { useStore } from '../../store'

/** `host:port` of a URL, or the text itself when it is not one. */
function hostPort(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/**
 * Where things actually listen right now. Port settings may say 0 ("pick a free one") or name a port
 * that was taken, so the configured numbers alone do not tell a user what to connect to.
 */
export function PortsInUse() {
  const info = useStore((s) => s.appInfo)
  if (!info) return null
  const rows: [string, string, string][] = [
    ['Temporal gRPC', info.temporal.address, 'ports-temporal'],
    ['Temporal Web UI', info.temporal.uiUrl ? hostPort(info.temporal.uiUrl) : 'not running', 'ports-temporal-ui'],
    ['Local HTTP API', info.localApi.url ? hostPort(info.localApi.url) : 'off', 'ports-local-api'],
  ]
  return (
    <section className="ports-in-use" aria-label="In use now">
      <h2 className="label-like">In use now</h2>
      <dl className="meta">
        {rows.map(([label, value, testId]) => (
          <div key={label} className="meta-row">
            <dt>{label}</dt>
            <dd className="mono" data-testid={testId}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  )
}
