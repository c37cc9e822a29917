import { useState, type FormEvent } from 'react'
import '../../styles/settings.css'
import type { Settings } from '../../../../src-shared/contract'
import { saveSettings } from '../../actions/settings-actions'
import { getPath, setPath } from '../../lib/deep-set'
import type { FieldErrors } from '../../lib/field-errors'
import { useStore } from '../../store'
import { PortsInUse } from './PortsInUse'
import { CheckField, NumberField, TextField } from './SettingsFields'

/** Every path the form shows an input for; errors on other paths are listed above the buttons. */
const FIELD_PATHS = new Set([
  'temporal.mode',
  'temporal.address',
  'temporal.namespace',
  'temporal.embeddedPort',
  'temporal.embeddedUiPort',
  'temporal.tls.certPath',
  'temporal.tls.keyPath',
  'temporal.tls.caPath',
  'temporal.tls.serverName',
  'temporal.apiKey',
  'retry.initialIntervalMs',
  'retry.backoffCoefficient',
  'retry.maximumIntervalMs',
  'retry.maximumAttempts',
  'defaultSlots',
  'previews',
  'localApi.enabled',
  'localApi.host',
  'localApi.port',
])

/** Messages that have no input to sit next to (general ones, or fields hidden in the current mode). */
function orphanErrors(errors: FieldErrors): string[] {
  const out = Object.entries(errors.fields)
    .filter(([path]) => !FIELD_PATHS.has(path))
    .map(([path, m]) => `${path} ${m}`)
  return errors.general ? [errors.general, ...out] : out
}

const EMPTY_TLS = { certPath: '', keyPath: '', caPath: null, serverName: null }

function SettingsForm({ initial }: { initial: Settings }) {
  const dataDir = useStore((s) => s.appInfo?.dataDir ?? '—')
  const restartNeeded = useStore((s) => s.appInfo?.temporal.restartNeeded === true)
  const [draft, setDraft] = useState<Settings>(initial)
  const [errors, setErrors] = useState<FieldErrors>({ fields: {}, general: null })
  const [busy, setBusy] = useState(false)
  const change = (path: string, value: unknown): void => setDraft((d) => setPath(d, path, value))
  const bind = (path: string, label: string, hint?: string) => ({
    path,
    label,
    hint,
    value: getPath(draft, path),
    error: errors.fields[path],
    onChange: change,
  })
  const remote = draft.temporal.mode === 'remote'
  const useTls = draft.temporal.tls != null
  const submit = (e: FormEvent): void => {
    e.preventDefault()
    setBusy(true)
    void saveSettings(draft).then((errs) => {
      setBusy(false)
      setErrors(errs ?? { fields: {}, general: null })
    })
  }
  return (
    <form className="settings-form" onSubmit={submit} noValidate>
      <fieldset>
        <legend>Temporal</legend>
        {restartNeeded && (
          <p className="field-error" role="status" data-testid="settings-temporal-restart">
            Saved. The new Temporal settings apply when ComfyFleet is restarted.
          </p>
        )}
        <div className="field-row" role="radiogroup" aria-label="Temporal mode">
          {(['embedded', 'remote'] as const).map((m) => (
            <label key={m} className="radio">
              <input
                type="radio"
                name="temporal-mode"
                checked={draft.temporal.mode === m}
                onChange={() => change('temporal.mode', m)}
                data-testid={`settings-temporal-mode-${m}`}
              />
              {m === 'embedded' ? 'Embedded (dev server managed by the app)' : 'Remote (your cluster / Temporal Cloud)'}
            </label>
          ))}
        </div>
        <div className="grid2">
          {remote && <TextField {...bind('temporal.address', 'Address', 'host:port of the frontend')} />}
          <TextField {...bind('temporal.namespace', 'Namespace')} />
          {!remote && <NumberField {...bind('temporal.embeddedPort', 'gRPC port', '0 = pick a free port')} min={0} />}
          {!remote && (
            <NumberField {...bind('temporal.embeddedUiPort', 'Web UI port', '0 = pick a free port')} min={0} />
          )}
        </div>
        {remote && (
          <>
            <div className="field check">
              <input
                id="tls-toggle"
                type="checkbox"
                checked={useTls}
                onChange={(e) => change('temporal.tls', e.target.checked ? EMPTY_TLS : null)}
              />
              <label htmlFor="tls-toggle">Mutual TLS</label>
            </div>
            {useTls && (
              <div className="grid2">
                <TextField {...bind('temporal.tls.certPath', 'Client certificate path')} />
                <TextField {...bind('temporal.tls.keyPath', 'Client key path')} />
                <TextField {...bind('temporal.tls.caPath', 'CA certificate path (optional)')} nullable />
                <TextField {...bind('temporal.tls.serverName', 'Server name override (optional)')} nullable />
              </div>
            )}
            <TextField {...bind('temporal.apiKey', 'API key (Temporal Cloud)')} nullable type="password" />
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>Retries (defaults for new runs)</legend>
        <div className="grid4">
          <NumberField {...bind('retry.initialIntervalMs', 'Initial interval (ms)')} min={0} />
          <NumberField {...bind('retry.backoffCoefficient', 'Backoff coefficient')} step={0.1} min={1} />
          <NumberField {...bind('retry.maximumIntervalMs', 'Max interval (ms)')} min={0} />
          <NumberField {...bind('retry.maximumAttempts', 'Max attempts')} min={1} />
        </div>
      </fieldset>
      <fieldset>
        <legend>Farm & app</legend>
        <div className="grid4">
          <NumberField {...bind('defaultSlots', 'Default slots per server')} min={1} />
          <div className="field span3">
            <span className="label-like">Data directory (read-only)</span>
            <output className="readonly mono" data-testid="settings-data-dir">
              {dataDir}
            </output>
          </div>
        </div>
        <CheckField {...bind('previews', 'Live sampler previews')} />
        <CheckField {...bind('localApi.enabled', 'Local HTTP API')} />
        {draft.localApi.enabled && (
          <div className="grid4">
            <TextField {...bind('localApi.host', 'API host')} />
            <NumberField {...bind('localApi.port', 'API port')} min={0} />
          </div>
        )}
      </fieldset>
      {orphanErrors(errors).map((message) => (
        <p key={message} className="field-error" role="alert" data-testid="settings-error">
          {message}
        </p>
      ))}
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          onClick={() => {
            setDraft(initial)
            setErrors({ fields: {}, general: null })
          }}
        >
          Revert
        </button>
        <button type="submit" className="btn primary" disabled={busy} data-testid="settings-save">
          {busy ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  )
}

/** Settings: Temporal, retry defaults, slots, data dir, local API, previews. */
export function SettingsScreen() {
  const settings = useStore((s) => s.settings)
  return (
    <div className="settings-screen" data-testid="screen-settings">
      <header className="screen-header">
        <h1>Settings</h1>
        <span className="muted small">Temporal changes take effect when the core reconnects.</span>
      </header>
      <PortsInUse />
      {settings ? (
        <SettingsForm key={JSON.stringify(settings)} initial={settings} />
      ) : (
        <p className="muted">Loading settings…</p>
      )}
    </div>
  )
}
