import type { EditableField } from '../../../../src-shared/contract'
import { fieldKey } from '../../lib/sheet-edits'
import { InputField } from './InputField'
import type { SheetInputs as State } from './use-sheet-inputs'

/** Fields grouped under their node, in the order they come. */
function byNode(fields: readonly EditableField[]): { nodeId: string; title: string; fields: EditableField[] }[] {
  const groups = new Map<string, { nodeId: string; title: string; fields: EditableField[] }>()
  for (const f of fields) {
    const g = groups.get(f.nodeId) ?? { nodeId: f.nodeId, title: f.nodeTitle, fields: [] }
    g.fields.push(f)
    groups.set(f.nodeId, g)
  }
  return [...groups.values()]
}

function FieldGroups({ fields, state }: { fields: readonly EditableField[]; state: State }) {
  return (
    <>
      {byNode(fields).map((g) => (
        <fieldset key={g.nodeId} className="input-group">
          <legend>
            {g.title} <small>#{g.nodeId}</small>
          </legend>
          {g.fields.map((f) => {
            const key = fieldKey(f)
            return (
              <InputField
                key={key}
                field={f}
                draft={state.drafts[key]}
                error={state.errors[key]}
                onChange={(patch) => state.setDraft(key, patch)}
              />
            )
          })}
        </fieldset>
      ))}
    </>
  )
}

/**
 * The workflow's inputs in the run sheet: what a ComfyUI user edits most (models, prompts, seed, steps, cfg,
 * sampler, size) up front, every other literal input under "All inputs".
 */
export function SheetInputs({ state }: { state: State }) {
  const { inspect } = state
  if (inspect.status === 'none') return null
  if (inspect.status === 'loading') return <p className="muted">Reading the workflow's inputs…</p>
  if (inspect.status === 'failed')
    return (
      <p className="field-error" role="alert">
        {inspect.message}
      </p>
    )
  const { fields } = inspect.form
  if (fields.length === 0)
    return <p className="muted">No online server has described its nodes yet, so the inputs cannot be edited here.</p>
  const common = fields.filter((f) => f.common)
  const rest = fields.filter((f) => !f.common)
  // A problem on an input under "All inputs" opens it, so the message is not hidden.
  const restHasError = rest.some((f) => state.errors[fieldKey(f)] !== undefined)
  return (
    <section className="sheet-inputs" aria-label="Workflow inputs" data-testid="sheet-inputs">
      <FieldGroups fields={common} state={state} />
      {rest.length > 0 && (
        <details open={restHasError || undefined}>
          <summary>All inputs ({rest.length} more)</summary>
          <FieldGroups fields={rest} state={state} />
        </details>
      )}
    </section>
  )
}
