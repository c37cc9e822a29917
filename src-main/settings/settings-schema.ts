import type { Settings } from '../../src-shared/contract'

export const DEFAULT_SETTINGS: Settings = {
  temporal: {
    mode: 'embedded',
    address: '127.0.0.1:7233',
    namespace: 'default',
    embeddedPort: 7233,
    embeddedUiPort: 8233,
    tls: null,
    apiKey: null,
  },
  // Defaults sized for GPU servers: a restart of a ComfyUI box takes tens of seconds, so backoff
  // must reach that far before a run gives up (10 attempts ≈ 4 minutes).
  retry: { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 30_000, maximumAttempts: 10 },
  defaultSlots: 2,
  localApi: { enabled: true, host: '127.0.0.1', port: 8001 },
  previews: true,
}

type Problems = string[]

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)
const isPort = (v: unknown, allowZero: boolean): boolean => isInt(v) && v >= (allowZero ? 0 : 1) && v <= 65535
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0

function checkTemporal(t: Settings['temporal'], p: Problems): void {
  if (t.mode !== 'embedded' && t.mode !== 'remote')
    p.push(`temporal.mode must be "embedded" or "remote", not ${JSON.stringify(t.mode)}`)
  if (!nonEmpty(t.namespace)) p.push('temporal.namespace must not be empty')
  if (!isPort(t.embeddedPort, true))
    p.push(`temporal.embeddedPort must be a port number 0–65535, not ${JSON.stringify(t.embeddedPort)}`)
  if (!isPort(t.embeddedUiPort, true))
    p.push(`temporal.embeddedUiPort must be a port number 0–65535, not ${JSON.stringify(t.embeddedUiPort)}`)
  if (t.mode === 'remote' && !/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(t.address ?? '')) {
    p.push(`temporal.address must be host:port (e.g. my-ns.tmprl.cloud:7233), not ${JSON.stringify(t.address)}`)
  }
  if (t.tls !== null) {
    if (typeof t.tls !== 'object') p.push('temporal.tls must be an object or null')
    else {
      if (!nonEmpty(t.tls.certPath)) p.push('temporal.tls.certPath must name the client certificate file')
      if (!nonEmpty(t.tls.keyPath)) p.push('temporal.tls.keyPath must name the client key file')
    }
  }
  if (t.apiKey !== null && typeof t.apiKey !== 'string') p.push('temporal.apiKey must be a string or null')
}

function checkRetry(r: Settings['retry'], p: Problems): void {
  if (!isInt(r.initialIntervalMs) || r.initialIntervalMs < 10) p.push('retry.initialIntervalMs must be an integer ≥ 10')
  if (typeof r.backoffCoefficient !== 'number' || r.backoffCoefficient < 1 || r.backoffCoefficient > 10) {
    p.push('retry.backoffCoefficient must be a number from 1 to 10')
  }
  if (!isInt(r.maximumIntervalMs) || r.maximumIntervalMs < r.initialIntervalMs) {
    p.push('retry.maximumIntervalMs must be an integer ≥ retry.initialIntervalMs')
  }
  if (!isInt(r.maximumAttempts) || r.maximumAttempts < 1 || r.maximumAttempts > 1000) {
    p.push('retry.maximumAttempts must be an integer from 1 to 1000')
  }
}

/** Every problem in a full settings object, each naming its field; empty when valid. */
export function settingsProblems(s: Settings): string[] {
  const p: Problems = []
  if (typeof s !== 'object' || s === null) return ['settings must be a JSON object']
  checkTemporal(s.temporal, p)
  checkRetry(s.retry, p)
  if (!isInt(s.defaultSlots) || s.defaultSlots < 1 || s.defaultSlots > 8)
    p.push('defaultSlots must be an integer from 1 to 8')
  if (typeof s.localApi?.enabled !== 'boolean') p.push('localApi.enabled must be true or false')
  if (!nonEmpty(s.localApi?.host)) p.push('localApi.host must not be empty')
  if (!isPort(s.localApi?.port, true)) p.push('localApi.port must be a port number 0–65535')
  if (typeof s.previews !== 'boolean') p.push('previews must be true or false')
  return p
}
