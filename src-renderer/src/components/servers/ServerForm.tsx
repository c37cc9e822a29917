import { useState, type FormEvent } from 'react'
import type { ServerTestResult, ServerView } from '../../../../src-shared/contract'
import { addServer, editServer, testServer } from '../../actions/server-actions'
import { Modal } from '../common/Modal'

type TestState =
  { kind: 'idle' } | { kind: 'busy' } | { kind: 'ok'; value: ServerTestResult } | { kind: 'err'; message: string }

function TestOutcome({ state }: { state: TestState }) {
  if (state.kind === 'idle') return null
  if (state.kind === 'busy')
    return (
      <p className="muted" role="status">
        Testing…
      </p>
    )
  if (state.kind === 'err')
    return (
      <p className="field-error" role="alert" data-testid="server-test-result">
        {state.message}
      </p>
    )
  const v = state.value
  return (
    <p className="ok-text" role="status" data-testid="server-test-result">
      Reachable in {Math.round(v.latencyMs)}ms · {v.device ?? 'unknown GPU'}
      {v.comfyuiVersion ? ` · ComfyUI ${v.comfyuiVersion}` : ''}
    </p>
  )
}

/** Add or edit a server, with a connection test before saving. */
export function ServerForm({ server, onClose }: { server?: ServerView; onClose: () => void }) {
  const [name, setName] = useState(server?.name ?? '')
  const [address, setAddress] = useState(server?.address ?? 'http://127.0.0.1:8188')
  const [slots, setSlots] = useState(String(server?.slots ?? 2))
  const [tags, setTags] = useState(server?.tags.join(', ') ?? '')
  const [test, setTest] = useState<TestState>({ kind: 'idle' })
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const runTest = (): void => {
    setTest({ kind: 'busy' })
    void testServer(address.trim()).then((r) =>
      setTest(r.ok ? { kind: 'ok', value: r.value } : { kind: 'err', message: r.message })
    )
  }
  const save = (e: FormEvent): void => {
    e.preventDefault()
    const slotCount = Number(slots)
    if (!Number.isInteger(slotCount) || slotCount < 1) return setError('Slots must be a whole number of at least 1.')
    const input = {
      name: name.trim(),
      address: address.trim(),
      slots: slotCount,
      tags: tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    }
    setBusy(true)
    void (server ? editServer(server.id, input) : addServer(input)).then((r) => {
      setBusy(false)
      if (r.ok) onClose()
      else setError(r.message)
    })
  }
  return (
    <Modal title={server ? `Edit ${server.name}` : 'Add server'} onClose={onClose} testId="server-form">
      <form className="sheet-form" onSubmit={save}>
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="gpu-box-1"
            data-testid="server-form-name"
            required
            autoFocus
          />
        </label>
        <label className="field">
          <span>Address</span>
          <input
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            placeholder="http://host:8188"
            data-testid="server-form-address"
            required
          />
        </label>
        <div className="field-row">
          <label className="field">
            <span>Slots</span>
            <input
              type="number"
              min={1}
              max={64}
              value={slots}
              onChange={(e) => setSlots(e.target.value)}
              data-testid="server-form-slots"
            />
          </label>
          <label className="field grow">
            <span>Tags (comma separated)</span>
            <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="sdxl, 24gb" />
          </label>
        </div>
        <TestOutcome state={test} />
        {error && (
          <p className="field-error" role="alert" data-testid="server-form-error">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button
            type="button"
            className="btn"
            onClick={runTest}
            disabled={test.kind === 'busy'}
            data-testid="server-form-test"
          >
            Test connection
          </button>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy} data-testid="server-form-save">
            {server ? 'Save' : 'Add server'}
          </button>
        </div>
      </form>
    </Modal>
  )
}
