import type { DeepPartial, Settings } from '../../../src-shared/contract'
import { api } from '../bridge/bridge-context'
import { messageOf } from '../lib/errors'
import { toFieldErrors, type FieldErrors } from '../lib/field-errors'
import { useStore } from '../store'

/** Saves settings; returns field errors to show next to the inputs, or null when saved. */
export async function saveSettings(patch: DeepPartial<Settings>): Promise<FieldErrors | null> {
  try {
    const res = await api().settings.update(patch)
    if (!res.ok) return toFieldErrors(res.error)
    useStore.getState().setSettings(res.value)
    useStore.getState().pushToast({ kind: 'success', message: 'Settings saved' })
    return null
  } catch (e) {
    return { fields: {}, general: messageOf(e) }
  }
}
