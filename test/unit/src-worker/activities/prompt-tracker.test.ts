/**
 * When the tracker takes a prompt's result from its socket and when it asks the server's history: a socket
 * that saw the whole run (open before the POST, never dropped, execution_start to execution_success under
 * our prompt_id) is the result as it stands; anything less, or an error, is read from history. Real
 * simulator, real socket and HTTP client; the client counts its history requests.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SimServer } from '../../../../sim'
import { ComfyHttpClient } from '../../../../src-shared/comfy/http-client'
import { ServerLiveness } from '../../../../src-shared/comfy/liveness'
import type { ComfySocket } from '../../../../src-shared/comfy/ws-client'
import type { HistoryEntry, WsMessage } from '../../../../src-shared/comfy/types'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { PromptTracker, type TrackOutcome } from '../../../../src-worker/activities/prompt-tracker'
import { txt2img } from '../../../integration/engine/prompts'

class CountingClient extends ComfyHttpClient {
  historyAsks = 0

  override getHistory(promptId: string): Promise<HistoryEntry | null> {
    this.historyAsks++
    return super.getHistory(promptId)
  }
}

interface Tracked {
  outcome: TrackOutcome
  historyAsks: number
  /** The server's own history entry of the prompt, read after tracking ended. */
  history: HistoryEntry | null
}

/** Tracks `prompt` on `sim` as a fresh submit does (socket first, then the POST), or as a reattach. */
async function track(
  sim: SimServer,
  prompt: ApiPrompt,
  options: { reattach?: boolean; onMessage?: (m: WsMessage) => void; recycled?: ComfySocket[] } = {}
): Promise<Tracked> {
  const client = new CountingClient(sim.url)
  const promptId = randomUUID()
  const clientId = `test-${promptId}`
  const hooks = {
    onMessage: options.onMessage ?? (() => undefined),
    onPreview: () => undefined,
    onStarted: () => undefined,
  }
  const tracker = new PromptTracker(client, promptId, clientId, hooks, new ServerLiveness())
  tracker.pollAtStart = options.reattach === true
  const recycled = options.recycled
  if (recycled !== undefined) tracker.recycle = (socket) => recycled.push(socket)
  await tracker.connect()
  const answer = await client.postPrompt({ prompt, client_id: clientId, prompt_id: promptId })
  expect(answer.ok).toBe(true)
  const outcome = await tracker.track()
  const historyAsks = client.historyAsks
  return { outcome, historyAsks, history: await client.getHistory(promptId) }
}

function entryOf(outcome: TrackOutcome): HistoryEntry {
  if (outcome.kind !== 'done') throw new Error(`expected done, got ${outcome.kind}`)
  return outcome.entry
}

describe('prompt tracker: the socket or history', () => {
  let sim: SimServer

  beforeAll(async () => {
    sim = new SimServer({ timing: { stepMs: 20, nodeMs: 0, loadMs: 0 } })
    await sim.start()
  })

  afterAll(async () => {
    await sim?.stop()
  })

  it('takes a run its socket saw whole from the socket, with the outputs history has, and never asks history', async () => {
    const recycled: ComfySocket[] = []
    const t = await track(sim, txt2img({ seed: 1, steps: 3 }), { recycled })
    // Its socket goes back, open, for the next run on the server (spare-sockets.ts).
    expect(recycled.map((s) => s.isOpen)).toEqual([true])
    recycled[0]!.close()
    const entry = entryOf(t.outcome)
    expect(t.historyAsks).toBe(0)
    expect(entry.meta).toEqual({ comfyfleet_whole_from_websocket: true })
    expect(entry.status.status_str).toBe('success')
    expect(Object.keys(entry.outputs).length).toBeGreaterThan(0)
    expect(entry.outputs).toEqual(t.history?.outputs)
  })

  it('takes a fully cached re-run from the socket too: the cached output node still reports its files', async () => {
    const prompt = txt2img({ seed: 2, steps: 3 })
    const first = await track(sim, prompt)
    const again = await track(sim, prompt)
    expect(again.historyAsks).toBe(0)
    expect(entryOf(again.outcome).outputs).toEqual(entryOf(first.outcome).outputs)
    expect(entryOf(again.outcome).outputs).toEqual(again.history?.outputs)
  })

  it('reads history when the socket dropped during the run (frames may be missing)', async () => {
    let dropped = false
    const recycled: ComfySocket[] = []
    const t = await track(sim, txt2img({ seed: 3, steps: 6 }), {
      recycled,
      onMessage: (m) => {
        if (m.type !== 'progress' || dropped) return
        dropped = true
        sim.dropWebSockets()
      },
    })
    expect(dropped).toBe(true)
    expect(recycled).toEqual([])
    expect(t.historyAsks).toBeGreaterThan(0)
    expect(entryOf(t.outcome)).toEqual(t.history)
  })

  it('reads history for a reattached prompt (its socket came after the POST)', async () => {
    const t = await track(sim, txt2img({ seed: 4, steps: 3 }), { reattach: true })
    expect(t.historyAsks).toBeGreaterThan(0)
    expect(entryOf(t.outcome)).toEqual(t.history)
  })

  it('reads history for a run that failed: its error record is the server’s', async () => {
    sim.setFaults({ errorAtNode: { classType: 'KSampler', exceptionType: 'RuntimeError', message: 'boom' } })
    try {
      const t = await track(sim, txt2img({ seed: 5, steps: 3 }))
      expect(t.historyAsks).toBeGreaterThan(0)
      expect(entryOf(t.outcome).status.status_str).toBe('error')
      expect(entryOf(t.outcome)).toEqual(t.history)
    } finally {
      sim.clearFaults()
    }
  })
})
