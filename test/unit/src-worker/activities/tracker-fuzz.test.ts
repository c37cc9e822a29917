/**
 * Nothing a ComfyUI server sends may crash the worker. The frame sequences the simulator really sends (a
 * fresh run with previews, a fully cached re-run, a run that fails at a node) are captured once, then
 * mutated at random (see hostile-frames.ts) and fed through the worker's own path: the socket's frame
 * handler, the prompt tracker, the node-state fold and the progress reporter. No frame may make any of
 * them throw, and what they fold must stay sane: progress a number in [0, 1], node states valid and only
 * for the prompt's nodes, Object.prototype untouched. `TRACKER_FUZZ_SEED=<seed>` replays a set.
 */
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Prng } from '../../../../bench/lib/prng'
import { SimServer } from '../../../../sim'
import { ServerLiveness } from '../../../../src-shared/comfy/liveness'
import { ComfyHttpClient } from '../../../../src-shared/comfy/http-client'
import { ComfySocket } from '../../../../src-shared/comfy/ws-client'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { isNodeState } from '../../../../src-shared/runs/node-states'
import { ProgressReporter } from '../../../../src-worker/activities/progress-reporter'
import { PromptTracker } from '../../../../src-worker/activities/prompt-tracker'
import { RunProgress } from '../../../../src-worker/activities/run-progress'
import { MemorySink } from '../../../../src-worker/progress-sink'
import { txt2img } from '../../../integration/engine/prompts'
import { mutateSequence, type Frame } from './hostile-frames'

const SEED = Number(process.env.TRACKER_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const SEQUENCES = 400
const PROMPT = txt2img({ steps: 4 })

/** Runs `prompt` on `sim` and returns every frame its socket received until the prompt ended. */
async function capture(sim: SimServer, promptId: string, prompt: ApiPrompt): Promise<Frame[]> {
  const clientId = randomUUID()
  const frames: Frame[] = []
  const socket = new WebSocket(`${sim.url.replace(/^http/, 'ws')}/ws?clientId=${clientId}`)
  const ended = new Promise<void>((resolve) => {
    socket.on('message', (raw: Buffer, binary) => {
      frames.push({ data: Buffer.from(raw), binary })
      if (binary) return
      const m = JSON.parse(raw.toString('utf8')) as { type: string; data: { node?: unknown; prompt_id?: string } }
      const last = (m.type === 'executing' && m.data.node === null) || m.type === 'execution_error'
      if (last && m.data.prompt_id === promptId) resolve()
    })
  })
  await new Promise((resolve) => socket.once('open', resolve))
  socket.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }))
  const res = await fetch(`${sim.url}/prompt`, {
    method: 'POST',
    body: JSON.stringify({ prompt, client_id: clientId, prompt_id: promptId }),
  })
  expect(res.status).toBe(200)
  await ended
  socket.close()
  return frames
}

describe(`tracker fuzz (TRACKER_FUZZ_SEED=${SEED})`, () => {
  let sim: SimServer
  const captured: { promptId: string; frames: Frame[] }[] = []

  beforeAll(async () => {
    sim = new SimServer({ timing: { stepMs: 1, nodeMs: 0, loadMs: 0 }, previews: true })
    await sim.start()
    for (const kind of ['fresh', 'cached', 'error']) {
      if (kind === 'error') sim.setFaults({ errorAtNode: { classType: 'KSampler', exceptionType: 'E', message: 'x' } })
      const promptId = randomUUID()
      // The error run needs another seed: an identical prompt would be answered from the cache.
      const prompt = kind === 'error' ? txt2img({ steps: 4, seed: 99 }) : PROMPT
      captured.push({ promptId, frames: await capture(sim, promptId, prompt) })
    }
  }, 60_000)

  afterAll(async () => {
    await sim?.stop()
  })

  it('captured real sequences with previews, a cached re-run and an error', () => {
    const typeOf = (f: Frame): string => (JSON.parse(f.data.toString()) as { type: string }).type
    const types = captured.map((c) => c.frames.filter((f) => !f.binary).map(typeOf))
    expect(captured[0]!.frames.some((f) => f.binary)).toBe(true)
    expect(types[1]).toContain('execution_cached')
    expect(types[2]).toContain('execution_error')
  })

  it('no mutated sequence makes the socket, tracker, fold or reporter throw, and the fold stays sane', async () => {
    const prng = new Prng(SEED)
    const dropped: string[] = []
    const onWarning = (w: Error): void => void dropped.push(w.message)
    process.on('warning', onWarning)
    try {
      for (let i = 0; i < SEQUENCES; i++) {
        const { promptId, frames } = prng.pick(captured)
        await feed(promptId, mutateSequence(frames, prng))
      }
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    // The socket's last-resort catch reports a listener that threw; the parser and fold must never need it.
    expect(dropped).toEqual([])
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('state')
    expect(({} as Record<string, unknown>).constructor).toBe(Object)
  }, 120_000)
})

/** One sequence through the worker's own objects, wired as execute-prompt wires them. */
async function feed(promptId: string, frames: Frame[]): Promise<void> {
  const progress = new RunProgress(PROMPT)
  const sink = new MemorySink()
  const reporter = new ProgressReporter('run-fuzz', 1, () => Promise.resolve(), sink, progress)
  // A closed port: the tracker's history fetch after a terminal frame fails fast, as for a gone server.
  const client = new ComfyHttpClient('http://127.0.0.1:9', { timeoutMs: 200 })
  const socket = new ComfySocket(client.address, 'fuzz')
  const tracker = new PromptTracker(
    client,
    promptId,
    'fuzz',
    {
      onMessage: (m) => {
        progress.apply(m, Date.now())
        reporter.touched()
      },
      onPreview: (p) => void p.bytes.toString('base64'),
      onStarted: () => undefined,
    },
    new ServerLiveness()
  )
  await tracker.connect(socket)
  for (const frame of frames) socket.receive(frame.data, frame.binary)
  progress.finish()
  await reporter.flush()
  tracker.end({ kind: 'lost' })
  const ids = Object.keys(PROMPT)
  for (const [id, state] of Object.entries(progress.nodes)) {
    expect(ids).toContain(id)
    expect(isNodeState(state)).toBe(true)
  }
  for (const event of sink.progressEvents) {
    expect(Number.isFinite(event.progress) && event.progress >= 0 && event.progress <= 1).toBe(true)
  }
  expect(progress.progress).toBeGreaterThanOrEqual(0)
  expect(progress.progress).toBeLessThanOrEqual(1)
}
