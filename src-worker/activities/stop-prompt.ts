/**
 * Stops one of our prompts on a ComfyUI server, by its prompt_id only (never a global interrupt): delete
 * it from the queue, interrupt it if it runs, wait until it is neither queued nor running, then drop its
 * history entry. Used by cancel, by evacuation, by restarting a prompt on a faster server, and (the
 * interrupt part) by the janitor.
 *
 * POST /interrupt is sent only when our prompt is the one running: servers before 2025-09-02 (ComfyUI
 * PR #9607) ignore the body's prompt_id and interrupt whatever runs, so an interrupt for a prompt that is
 * queued, finished or elsewhere would kill another run there.
 */
import type { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import type { HistoryEntry } from '../../src-shared/comfy/types'
import { queueState, wasInterrupted } from './locate'

/**
 * Resolves null once the prompt is stopped and its history entry (if any) deleted. With `keepFinished`,
 * a prompt that finished on its own before the interrupt landed keeps its entry, which is returned: that
 * is its result. Throws what the client throws (the server did not answer).
 */
export async function stopPrompt(
  client: ComfyHttpClient,
  promptId: string,
  options: { keepFinished: boolean }
): Promise<HistoryEntry | null> {
  await deleteAndInterrupt(client, promptId)
  await waitUntilStopped(client, promptId)
  if (options.keepFinished) {
    const entry = await client.getHistory(promptId)
    if (entry !== null && !wasInterrupted(entry)) return entry
  }
  await client.deleteHistory([promptId])
  return null
}

/**
 * Deletes the prompt from the queue, then interrupts it only if it is the one running (checked after the
 * delete, so a queued prompt that started meanwhile is caught). Returns whether it was interrupted.
 */
export async function deleteAndInterrupt(client: ComfyHttpClient, promptId: string): Promise<boolean> {
  await client.deleteFromQueue([promptId])
  const state = queueState(await client.getQueue(), promptId)
  if (state === 'queued') await client.deleteFromQueue([promptId])
  if (state !== 'running') return false
  await client.interrupt(promptId)
  return true
}

/**
 * An interrupt takes effect at the next node or sampler step, and the history entry is written after
 * that: wait (briefly) until the prompt is neither queued nor running, so the history delete finds it.
 */
async function waitUntilStopped(client: ComfyHttpClient, promptId: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (queueState(await client.getQueue(), promptId) === null) return
    await new Promise((r) => setTimeout(r, 50))
  }
}
