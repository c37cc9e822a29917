/**
 * Before anything is (re)submitted: where is this prompt_id now? The server recorded in the heartbeat
 * details is asked first, then every known server (the heartbeat that recorded a newer placement may not
 * have reached Temporal before a crash). A server that does not answer is remembered for the janitor.
 */
import type { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import type { HistoryEntry, QueueResponse } from '../../src-shared/comfy/types'

export type Located =
  | { serverId: string; address: string; state: 'running' | 'queued' }
  | { serverId: string; address: string; state: 'done'; entry: HistoryEntry }

export interface LocateTarget {
  serverId: string
  address: string
  client: ComfyHttpClient
}

export interface LocateHooks {
  onUnreachable(target: LocateTarget): void
  /** A history entry the janitor made (it interrupted an abandoned copy): not a result, resubmit. */
  isJanitorEntry(target: LocateTarget, entry: HistoryEntry): boolean
}

export function queueState(queue: QueueResponse, promptId: string): 'running' | 'queued' | null {
  if (queue.queue_running.some((item) => item[1] === promptId)) return 'running'
  if (queue.queue_pending.some((item) => item[1] === promptId)) return 'queued'
  return null
}

export function wasInterrupted(entry: HistoryEntry): boolean {
  return entry.status.messages.some(([event]) => event === 'execution_interrupted')
}

/** The first target (in the given order) that knows the prompt, or null when none does. */
export async function locatePrompt(
  targets: LocateTarget[],
  promptId: string,
  hooks: LocateHooks
): Promise<Located | null> {
  const answers = await Promise.all(targets.map((target) => ask(target, promptId, hooks)))
  return answers.find((a) => a !== null) ?? null
}

async function ask(target: LocateTarget, promptId: string, hooks: LocateHooks): Promise<Located | null> {
  try {
    const state = queueState(await target.client.getQueue(), promptId)
    if (state !== null) return { serverId: target.serverId, address: target.address, state }
    const entry = await target.client.getHistory(promptId)
    if (entry === null) {
      // It may have finished between the two calls: the queue no longer has it, so history must.
      const again = queueState(await target.client.getQueue(), promptId)
      if (again !== null) return { serverId: target.serverId, address: target.address, state: again }
      const late = await target.client.getHistory(promptId)
      return late === null ? null : { serverId: target.serverId, address: target.address, state: 'done', entry: late }
    }
    if (hooks.isJanitorEntry(target, entry)) {
      await target.client.deleteHistory([promptId])
      return null
    }
    return { serverId: target.serverId, address: target.address, state: 'done', entry }
  } catch {
    hooks.onUnreachable(target)
    return null
  }
}
