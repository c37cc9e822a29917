import { useState, type FormEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { describeIntake, submitIntake, type RunOptionsInput } from '../../actions/intake-actions'
import { useStore } from '../../store'
import type { PendingIntake } from '../../store/ui-slice'
import { Modal } from '../common/Modal'

type Mode = 'once' | 'count' | 'seeds'

function ServerOptions() {
  const ids = useStore((s) => s.serverIds)
  const names = useStore(useShallow((s) => ids.map((id) => s.serversById[id]?.name ?? id)))
  return (
    <>
      <option value="">Auto (scheduler picks)</option>
      {ids.map((id, i) => (
        <option key={id} value={id}>
          {names[i]}
        </option>
      ))}
    </>
  )
}

const text = (form: FormData, key: string): string => {
  const v = form.get(key)
  return typeof v === 'string' ? v : ''
}

/** Reads the form into submit options; returns an error message for bad numbers. */
function readOptions(form: FormData, mode: Mode): RunOptionsInput | string {
  const opts: RunOptionsInput = {}
  const server = text(form, 'server')
  if (server) opts.serverId = server
  const priority = Number(form.get('priority'))
  if (priority) opts.priority = priority
  const name = text(form, 'name').trim()
  if (name) opts.name = name
  if (mode === 'count') {
    const count = Number(form.get('count'))
    if (!Number.isInteger(count) || count < 1) return 'Count must be a whole number of at least 1.'
    opts.count = count
  } else if (mode === 'seeds') {
    const from = Number(form.get('seedFrom'))
    const to = Number(form.get('seedTo'))
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from)
      return 'Seed range needs whole numbers with from ≤ to.'
    opts.seeds = { from, to }
  }
  return opts
}

function SheetForm({ intake, onClose }: { intake: PendingIntake; onClose: () => void }) {
  const [mode, setMode] = useState<Mode>('once')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault()
    const opts = readOptions(new FormData(e.currentTarget), mode)
    if (typeof opts === 'string') return setError(opts)
    setBusy(true)
    void submitIntake(intake, opts).then((allOk) => {
      setBusy(false)
      if (allOk) onClose()
    })
  }
  return (
    <form className="sheet-form" onSubmit={submit}>
      <label className="field">
        <span>Server</span>
        <select name="server" data-testid="sheet-server">
          <ServerOptions />
        </select>
      </label>
      <fieldset className="field-row" aria-label="How many runs">
        {(['once', 'count', 'seeds'] as const).map((m) => (
          <label key={m} className="radio">
            <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
            {m === 'once' ? 'Once' : m === 'count' ? 'N times, fresh seeds' : 'Seed range'}
          </label>
        ))}
      </fieldset>
      {mode === 'count' && (
        <label className="field">
          <span>Count</span>
          <input name="count" type="number" min={1} max={10000} defaultValue={4} data-testid="sheet-count" />
        </label>
      )}
      {mode === 'seeds' && (
        <div className="field-row">
          <label className="field">
            <span>Seed from</span>
            <input name="seedFrom" type="number" min={0} defaultValue={0} data-testid="sheet-seed-from" />
          </label>
          <label className="field">
            <span>to</span>
            <input name="seedTo" type="number" min={0} defaultValue={3} data-testid="sheet-seed-to" />
          </label>
        </div>
      )}
      <div className="field-row">
        <label className="field">
          <span>Priority (1 first)</span>
          <select name="priority" defaultValue="3" data-testid="sheet-priority">
            {[1, 2, 3, 4, 5].map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Name (optional)</span>
          <input name="name" type="text" placeholder="from the workflow" />
        </label>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={busy} data-testid="sheet-run" autoFocus>
          {busy ? 'Queuing…' : 'Run'}
        </button>
      </div>
    </form>
  )
}

/** The run sheet: target server, count or seed range, priority for the pending intake. */
export function RunSheet() {
  const intake = useStore((s) => s.intake)
  const close = useStore((s) => s.closeIntake)
  if (!intake) return null
  return (
    <Modal title={`Run ${describeIntake(intake)}`} onClose={close} testId="run-sheet">
      <SheetForm intake={intake} onClose={close} />
    </Modal>
  )
}
