import type { Settings } from '../../src-shared/contract'

/** The settings of a fresh data dir (the rules are the contract's SettingsSchema). */
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
