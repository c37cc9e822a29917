/**
 * Before anything is (re)submitted: where is this prompt now? The server recorded in the heartbeat details
 * is asked first, then every known server (the heartbeat that recorded a newer placement may not have
 * reached Temporal before a crash).
 *
 * Two rules keep this exactly-once:
 * - A server is believed only about a prompt it was given: a queue item or history entry counts only when
 *   it carries our graph (prompt-match.ts). A server answering "success" for any id takes over nothing.
 * - A slow server is not a server without the prompt: while a server that may hold it does not answer,
 *   locate waits (the activity heartbeats meanwhile) until it answers or its liveness record says it is
 *   gone (then it is remembered for the janitor). Only then may the prompt be submitted again.
 */
import type { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import type { ServerLiveness } from '../../src-shared/comfy/liveness'
import type { HistoryEntry, QueueItem, QueueResponse } from '../../src-shared/comfy/types'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { graphMatches, markerOf } from './prompt-match'

export type Located =
  | { serverId: string; address: string; promptId: string; state: 'running' | 'queued' }
  | { serverId: string; address: string; promptId: string; state: 'done'; entry: HistoryEntry }

export interface LocateTarget {
  serverId: string
  address: string
  client: ComfyHttpClient
  liveness: ServerLiveness
  /** The id this server knows the prompt by, when an old server gave it its own (from the placement). */
  serverPromptId?: string
}

export interface LocateHooks {
  /** The server is gone (liveness): whatever it held is remembered for the janitor. */
  onGone(target: LocateTarget, reason: string): void
  /** A history entry the janitor made (it interrupted an abandoned copy): not a result, resubmit. */
  isJanitorEntry(target: LocateTarget, entry: HistoryEntry): boolean
}

/** Newest history entries read from a server when our id is unknown to it (an old server's own ids). */
const RECENT_HISTORY_ITEMS = 64
const ASK_AGAIN_MS = 1_000

export function queueState(queue: QueueResponse, promptId: string): 'running' | 'queued' | null {
  if (queue.queue_running.some((item) => item[1] === promptId)) return 'running'
  if (queue.queue_pending.some((item) => item[1] === promptId)) return 'queued'
  return null
}

export function wasInterrupted(entry: HistoryEntry): boolean {
  return entry.status.messages.some(([event]) => event === 'execution_interrupted')
}

type Answer = { found: Located } | 'absent' | 'slow'

/**
 * The first target (in the given order) that holds our prompt, or null once every target answered that
 * it does not (or is gone). Rejects only when `signal` aborts.
 */
export async function locatePrompt(
  targets: LocateTarget[],
  promptId: string,
  prompt: ApiPrompt,
  hooks: LocateHooks,
  signal?: AbortSignal
): Promise<Located | null> {
  let waiting = targets
  for (;;) {
    const answers = await Promise.all(waiting.map((t) => ask(t, promptId, prompt, hooks)))
    const found = answers.find((a): a is { found: Located } => typeof a === 'object')
    if (found !== undefined) return found.found
    waiting = waiting.filter((target, i) => answers[i] === 'slow' && !isGone(target, hooks))
    if (waiting.length === 0) return null
    await pause(ASK_AGAIN_MS, signal)
  }
}

function isGone(target: LocateTarget, hooks: LocateHooks): boolean {
  if (target.liveness.verdict() !== 'gone') return false
  hooks.onGone(target, target.liveness.describe())
  return true
}

async function ask(target: LocateTarget, promptId: string, prompt: ApiPrompt, hooks: LocateHooks): Promise<Answer> {
  const ids = target.serverPromptId === undefined ? [promptId] : [target.serverPromptId, promptId]
  const at = (id: string): Pick<Located, 'serverId' | 'address' | 'promptId'> => ({
    serverId: target.serverId,
    address: target.address,
    promptId: id,
  })
  try {
    // History first: it answers even while /queue is slow on a busy server.
    for (const id of ids) {
      const entry = await target.client.getHistory(id)
      const done = await asResult(target, id, entry, prompt, hooks)
      if (done !== null) return { found: { ...at(id), state: 'done', entry: done } }
    }
    const queued = findInQueue(await target.client.getQueue(), ids, promptId, prompt)
    if (queued !== null) return { found: { ...at(queued.id), state: queued.state } }
    // It may have finished between the two reads; an old server may know it by an id of its own.
    for (const id of ids) {
      const done = await asResult(target, id, await target.client.getHistory(id), prompt, hooks)
      if (done !== null) return { found: { ...at(id), state: 'done', entry: done } }
    }
    const marked = await findMarkedInHistory(target, promptId, prompt)
    if (marked !== null) return { found: { ...at(marked.id), state: 'done', entry: marked.entry } }
    return 'absent'
  } catch {
    // No answer: slow or gone, the liveness record tells which (locatePrompt asks again until it knows).
    return 'slow'
  }
}

async function asResult(
  target: LocateTarget,
  id: string,
  entry: HistoryEntry | null,
  prompt: ApiPrompt,
  hooks: LocateHooks
): Promise<HistoryEntry | null> {
  if (entry === null || !graphMatches(prompt, entry.prompt?.[2])) return null
  if (hooks.isJanitorEntry(target, entry)) {
    await target.client.deleteHistory([id])
    return null
  }
  return entry
}

function findInQueue(
  queue: QueueResponse,
  ids: string[],
  promptId: string,
  prompt: ApiPrompt
): { id: string; state: 'running' | 'queued' } | null {
  const ours = (item: QueueItem): boolean =>
    (ids.includes(item[1]) || markerOf(item) === promptId) && graphMatches(prompt, item[2])
  const running = queue.queue_running.find(ours)
  if (running !== undefined) return { id: running[1], state: 'running' }
  const pending = queue.queue_pending.find(ours)
  return pending === undefined ? null : { id: pending[1], state: 'queued' }
}

/** An old server that ignored our prompt_id: its entry is found by the marker in extra_data. */
async function findMarkedInHistory(
  target: LocateTarget,
  promptId: string,
  prompt: ApiPrompt
): Promise<{ id: string; entry: HistoryEntry } | null> {
  const recent = await target.client.getRecentHistory(RECENT_HISTORY_ITEMS)
  for (const [id, entry] of Object.entries(recent)) {
    if (markerOf(entry.prompt) === promptId && graphMatches(prompt, entry.prompt?.[2])) return { id, entry }
  }
  return null
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'))
    const timer = setTimeout(done, ms)
    function done(): void {
      signal?.removeEventListener('abort', abort)
      resolve()
    }
    function abort(): void {
      clearTimeout(timer)
      reject(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'))
    }
    signal?.addEventListener('abort', abort, { once: true })
  })
}
