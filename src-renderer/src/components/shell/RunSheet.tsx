import { useState, type FormEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { describeIntake, submitIntake, type RunOptionsInput } from '../../actions/intake-actions'
import { trySubmit } from '../../actions/run-actions'
import { rememberValues } from '../../lib/recent-values'
import { buildEdits, problemsByField } from '../../lib/sheet-edits'
import { useStore } from '../../store'
import type { PendingIntake } from '../../store/ui-slice'
import { Modal } from '../common/Modal'
import { SheetInputs } from './SheetInputs'
import { useSheetInputs, type SheetInputs as InputsState } from './use-sheet-inputs'

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

/** The one workflow of an intake as a submit request's source. */
const sourceOf = (intake: PendingIntake): { files: PendingIntake['files'] } | { text: string } =>
  intake.files.length ? { files: intake.files } : { text: intake.text ?? '' }

/**
 * Submits with the edited inputs; an error the core names a field for is shown beside that field.
 * Returns true when the runs were queued.
 */
async function submitEdited(
  intake: PendingIntake,
  opts: RunOptionsInput,
  inputs: InputsState,
  setError: (m: string) => void
): Promise<boolean> {
  if (inputs.inspect.status !== 'ready') return submitIntake(intake, opts)
  const built = buildEdits(inputs.inspect.form.fields, inputs.drafts)
  if (Object.keys(built.errors).length > 0) {
    inputs.setErrors({ ...inputs.errors, ...built.errors })
    setError('Some inputs need fixing: see the messages beside them.')
    return false
  }
  if (built.axes.length > 0 && (opts.count !== undefined || opts.seeds !== undefined)) {
    setError('Varied inputs make their own grid batch: choose "Once" (a seed can be varied as a range).')
    return false
  }
  const req = { ...opts, ...sourceOf(intake), edits: built.edits, vary: built.axes }
  const res = await trySubmit(req, describeIntake(intake))
  if (!res.ok) {
    inputs.setErrors({ ...inputs.errors, ...problemsByField(res.error) })
    setError(res.error.message)
    return false
  }
  rememberValues(built.remember)
  return true
}

function SheetForm({ intake, onClose }: { intake: PendingIntake; onClose: () => void }) {
  const [mode, setMode] = useState<Mode>('once')
  const [serverId, setServerId] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const inputs = useSheetInputs(intake, serverId || null)
  const varying = Object.values(inputs.drafts).some((d) => d.mode === 'vary')
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault()
    const opts = readOptions(new FormData(e.currentTarget), varying ? 'once' : mode)
    if (typeof opts === 'string') return setError(opts)
    setError(null)
    setBusy(true)
    void submitEdited(intake, opts, inputs, setError).then((allOk) => {
      setBusy(false)
      if (allOk) onClose()
    })
  }
  return (
    <form className="sheet-form" onSubmit={submit} noValidate>
      <label className="field">
        <span>Server</span>
        <select
          name="server"
          data-testid="sheet-server"
          value={serverId}
          onChange={(e) => setServerId(e.currentTarget.value)}
        >
          <ServerOptions />
        </select>
      </label>
      <fieldset className="field-row" aria-label="How many runs" disabled={varying}>
        {(['once', 'count', 'seeds'] as const).map((m) => (
          <label key={m} className="radio">
            <input
              type="radio"
              name="mode"
              value={m}
              checked={varying ? m === 'once' : mode === m}
              onChange={() => setMode(m)}
            />
            {m === 'once' ? 'Once' : m === 'count' ? 'N times, fresh seeds' : 'Seed range'}
          </label>
        ))}
      </fieldset>
      {varying && (
        <p className="muted" data-testid="sheet-grid-note">
          Varied inputs run as a grid: one run per combination.
        </p>
      )}
      {!varying && mode === 'count' && (
        <label className="field">
          <span>Count</span>
          <input name="count" type="number" min={1} max={10000} defaultValue={4} data-testid="sheet-count" />
        </label>
      )}
      {!varying && mode === 'seeds' && (
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
      <SheetInputs state={inputs} />
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
        <p className="field-error" role="alert" data-testid="sheet-error">
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

/** The run sheet: target server, the workflow's inputs (edit or vary), count or seed range, priority. */
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
