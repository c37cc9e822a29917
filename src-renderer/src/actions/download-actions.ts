import { api } from '../bridge/bridge-context'
import { downloadJson, downloadUrl, safeName } from '../lib/download'
import { messageOf } from '../lib/errors'
import { useStore } from '../store'

/** Downloads a run's workflow as API JSON (the prompt) or UI JSON (when the run came from one). */
export async function downloadWorkflow(runId: string, kind: 'api' | 'ui'): Promise<void> {
  try {
    const res = await api().runs.get(runId)
    if (!res.ok) throw new Error(res.error.message)
    const d = res.value
    if (kind === 'ui' && (d.workflow == null || typeof d.workflow !== 'object'))
      throw new Error('This run was not started from a UI workflow, so there is no UI JSON; download the API JSON.')
    downloadJson(kind === 'api' ? d.prompt : d.workflow, `${safeName(d.name)}.${kind}.json`)
  } catch (e) {
    useStore.getState().pushToast({ kind: 'error', title: 'Download failed', message: messageOf(e) })
  }
}

/** Downloads the original image bytes (with the PNG/WebP metadata the server embedded). */
export async function downloadImage(hash: string, name: string, format: string): Promise<void> {
  try {
    await downloadUrl(api().imageUrl(hash, 'full'), `${safeName(name)}.${format || 'png'}`)
  } catch (e) {
    useStore.getState().pushToast({ kind: 'error', title: 'Download failed', message: messageOf(e) })
  }
}
