import { useCallback, useEffect, useMemo, useState } from 'react'
import type { InspectResult } from '../../../../src-shared/contract'
import { api } from '../../bridge/bridge-context'
import { messageOf } from '../../lib/errors'
import { fieldText } from '../../lib/field-value'
import { fieldKey, problemsByField, type FieldDraft } from '../../lib/sheet-edits'
import type { PendingIntake } from '../../store/ui-slice'

export type InspectState =
  | { status: 'none' }
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'ready'; form: InspectResult }

export interface SheetInputs {
  inspect: InspectState
  drafts: Record<string, FieldDraft>
  errors: Record<string, string>
  setDraft: (key: string, patch: Partial<FieldDraft>) => void
  setErrors: (errors: Record<string, string>) => void
}

/** One workflow (a file or pasted text) can be edited; several files run as they are. */
function single(intake: PendingIntake): { name: string; dataBase64: string } | { text: string } | null {
  const count = intake.files.length + (intake.text != null ? 1 : 0)
  if (count !== 1) return null
  return intake.files[0] ?? { text: intake.text ?? '' }
}

/**
 * The run sheet's inputs: the form the core derives from the target servers' /object_info (asked again
 * when the server changes, keeping what the user typed), the user's drafts, and per-field errors.
 */
export function useSheetInputs(intake: PendingIntake, serverId: string | null): SheetInputs {
  const one = useMemo(() => single(intake), [intake])
  // The answer remembers which server it is for: a newer choice shows as loading until its answer comes.
  const [answer, setAnswer] = useState<{ serverId: string | null; state: InspectState } | null>(null)
  const [drafts, setDrafts] = useState<Record<string, FieldDraft>>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  useEffect(() => {
    if (!one) return
    let live = true
    const settle = (state: InspectState): void => {
      if (!live) return
      setAnswer({ serverId, state })
      // What the servers would refuse as the workflow stands (a checkpoint they lack) shows at its field.
      if (state.status === 'ready') setErrors(problemsByField({ details: { problems: state.form.problems } }))
    }
    const req = 'text' in one ? { text: one.text, serverId } : { file: one, serverId }
    api()
      .runs.inspect(req)
      .then((res) =>
        settle(res.ok ? { status: 'ready', form: res.value } : { status: 'failed', message: res.error.message })
      )
      .catch((e: unknown) => settle({ status: 'failed', message: messageOf(e) }))
    return () => {
      live = false
    }
  }, [one, serverId])
  const inspect: InspectState = !one
    ? { status: 'none' }
    : answer?.serverId === serverId
      ? answer.state
      : { status: 'loading' }
  const setDraft = useCallback(
    (key: string, patch: Partial<FieldDraft>) => {
      setDrafts((all) => {
        const form = answer?.state.status === 'ready' ? answer.state.form : null
        const field = form?.fields.find((f) => fieldKey(f) === key)
        const base: FieldDraft = all[key] ?? { mode: 'fixed', text: fieldText(field?.value), varyText: '' }
        return { ...all, [key]: { ...base, ...patch } }
      })
      setErrors((all) => {
        if (!(key in all)) return all
        const { [key]: _dropped, ...rest } = all
        return rest
      })
    },
    [answer]
  )
  return { inspect, drafts, errors, setDraft, setErrors }
}
