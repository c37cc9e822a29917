/**
 * DEV ONLY: an in-memory stand-in for the core so the UI can be looked at without Temporal or
 * servers (dev.html). Never imported by the production entry or by tests.
 */
import type {
  BatchSummary,
  EventChannel,
  EventMap,
  HistoryItem,
  RequestChannel,
  RequestMap,
  RequestParams,
  RequestResult,
  RunDetail,
  ServerView,
  Settings,
} from '../../../src-shared/contract'
import { err, ok } from '../../../src-shared/contract'
import type { Bridge } from '../bridge/pick-bridge'
import { createConnectionState } from '../bridge/connection-state'
import { EventHub } from '../bridge/event-hub'
import {
  appInfo,
  DEFAULT_PROMPT,
  DEFAULT_WORKFLOW,
  fakeImage,
  initialServers,
  initialSettings,
  ORDER,
  PROMPTS,
  TITLES,
} from './dev-fixtures'

const STEPS = 60
const TICK_MS = 120

interface Sim {
  servers: ServerView[]
  runs: Map<string, RunDetail & { step: number; nodeIx: number }>
  batches: Map<string, BatchSummary>
  settings: Settings
}

let seq = 0
const id = (p: string): string => `${p}-${(++seq).toString(36).padStart(4, '0')}`
const hash = (): string => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('')

function newRun(
  sim: Sim,
  name: string,
  batchId: string | null,
  createdAt: number
): RunDetail & { step: number; nodeIx: number } {
  const positive = PROMPTS[seq % PROMPTS.length] ?? PROMPTS[0] ?? ''
  const run = {
    id: id('run'),
    workflowId: `run-${seq}`,
    name,
    status: 'pending' as const,
    serverId: null,
    serverName: null,
    gpu: null,
    progress: 0,
    currentNode: null,
    nodeProgress: null,
    createdAt,
    startedAt: null,
    finishedAt: null,
    batchId,
    error: null,
    thumbHash: null,
    positive,
    negative: 'blurry, watermark',
    seed: Math.floor(Math.random() * 1e9),
    models: ['sd_xl_base_1.0.safetensors'],
    outputsCount: 0,
    prompt: DEFAULT_PROMPT,
    workflow: DEFAULT_WORKFLOW,
    nodes: Object.fromEntries(
      ORDER.map((n) => [n, { state: 'pending' as const, class_type: DEFAULT_PROMPT[n]?.class_type ?? '?' }])
    ),
    nodeTitles: TITLES,
    outputs: [],
    events: [],
    temporalUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/run',
    step: 0,
    nodeIx: 0,
  }
  sim.runs.set(run.id, run)
  return run
}

function finish(run: RunDetail & { step: number; nodeIx: number }, status: 'completed' | 'failed', at: number): void {
  run.status = status
  run.finishedAt = at
  run.progress = status === 'completed' ? 1 : run.progress
  run.currentNode = null
  run.nodeProgress = null
  if (status === 'completed') {
    const h = hash()
    run.outputs = [
      {
        hash: h,
        nodeId: '9',
        filename: `ComfyFleet_${seq}.png`,
        subfolder: '',
        type: 'output',
        format: 'png',
        width: 1024,
        height: 1024,
        bytes: 1_450_000,
      },
    ]
    run.outputsCount = 1
    run.thumbHash = h
    for (const n of ORDER)
      run.nodes[n] = { ...run.nodes[n]!, state: 'done', started_at: at - 900, finished_at: at - 200 }
  } else {
    run.error = {
      kind: 'execution',
      message: 'CUDA out of memory. Tried to allocate 2.50 GiB',
      nodeId: '3',
      classType: 'KSampler',
      exceptionType: 'torch.OutOfMemoryError',
    }
    run.nodes['3'] = { state: 'error', class_type: 'KSampler', error: run.error.message }
  }
  run.events.push({ type: status === 'completed' ? 'execution_success' : 'execution_error', time: at, data: {} })
}

function seedHistory(sim: Sim): void {
  const now = Date.now()
  for (let i = 0; i < 46; i++) {
    const r = newRun(sim, `txt2img ${i + 1}`, null, now - (i + 1) * 600_000)
    r.serverId = 'srv-0'
    r.serverName = 'rig-4090-a'
    r.gpu = 'RTX 4090'
    r.startedAt = r.createdAt + 2_000
    finish(r, i % 11 === 5 ? 'failed' : 'completed', r.startedAt + 9_000 + (i % 5) * 1_000)
  }
  const b: BatchSummary = {
    id: id('batch'),
    name: 'lighthouse seeds 0–7',
    total: 8,
    completed: 3,
    failed: 0,
    cancelled: 0,
    running: 2,
    status: 'running',
    createdAt: now - 60_000,
  }
  sim.batches.set(b.id, b)
  for (let i = 0; i < 8; i++) {
    const r = newRun(sim, `lighthouse seed ${i}`, b.id, now - 60_000 + i)
    r.seed = i
    if (i < 3) {
      r.startedAt = now - 50_000 + i * 8_000
      finish(r, 'completed', r.startedAt + 8_000)
    }
  }
  newRun(sim, 'portrait_upscale.json', null, now - 20_000)
  newRun(sim, 'ComfyUI_00421_.png', null, now - 15_000)
  newRun(sim, 'cyberpunk-alley (UI)', null, now - 10_000)
  newRun(sim, 'sdxl_refiner.json', null, now - 5_000)
}

function summary(r: RunDetail): RunDetail {
  return { ...r }
}

/** Creates the in-memory dev bridge with a running simulation loop. */
export function createDevTransport(): Bridge {
  const hub = new EventHub()
  const sim: Sim = { servers: initialServers(), runs: new Map(), batches: new Map(), settings: initialSettings() }
  seedHistory(sim)
  const emit = <K extends EventChannel>(ch: K, payload: EventMap[K]): void => hub.emit(ch, payload)

  const schedule = (now: number): void => {
    for (const r of sim.runs.values()) {
      if (r.status !== 'pending' && r.status !== 'queued') continue
      const srv = sim.servers.find(
        (s) => s.enabled && !s.draining && s.health.state === 'online' && s.slotsInUse < s.slots
      )
      if (!srv) continue
      srv.slotsInUse++
      srv.currentRunIds = [...srv.currentRunIds, r.id]
      Object.assign(r, {
        status: 'running',
        serverId: srv.id,
        serverName: srv.name,
        gpu: srv.health.device?.name.split(' : ')[0]?.replace('cuda:0 ', '') ?? null,
        startedAt: now,
      })
      r.events.push({ type: 'execution_start', time: now, data: { server: srv.name } })
      emit('runs:changed', summary(r))
      emit(
        'servers:changed',
        sim.servers.map((s) => ({ ...s }))
      )
    }
  }

  const advance = (r: RunDetail & { step: number; nodeIx: number }, now: number): void => {
    const nodeId = ORDER[r.nodeIx]
    if (!nodeId) return
    const cls = DEFAULT_PROMPT[nodeId]?.class_type ?? '?'
    const sampling = cls === 'KSampler'
    if (sampling && r.step < STEPS) r.step++
    const nodeDone = !sampling || r.step >= STEPS
    const progress = (r.nodeIx + (sampling ? r.step / STEPS : 1)) / ORDER.length
    r.progress = progress
    r.currentNode = { id: nodeId, classType: cls }
    r.nodeProgress = sampling ? { value: r.step, max: STEPS } : null
    emit('runs:progress', {
      runId: r.id,
      nodeId,
      classType: cls,
      nodeState: nodeDone ? 'done' : 'running',
      value: sampling ? r.step : null,
      max: sampling ? STEPS : null,
      progress,
    })
    if (sampling && r.step % 4 === 0)
      emit('runs:preview', {
        runId: r.id,
        nodeId,
        mime: 'image/svg+xml',
        dataBase64: fakeImage(`${r.id}${r.step}`).split(',')[1] ?? '',
      })
    if (!nodeDone) return
    r.nodes[nodeId] = { state: 'done', class_type: cls, started_at: now - 400, finished_at: now }
    r.events.push({ type: 'executed', time: now, data: { node: nodeId } })
    r.nodeIx++
    if (r.nodeIx < ORDER.length) return
    finish(r, 'completed', now)
    const srv = sim.servers.find((s) => s.id === r.serverId)
    if (srv) {
      srv.slotsInUse--
      srv.currentRunIds = srv.currentRunIds.filter((x) => x !== r.id)
      emit(
        'servers:changed',
        sim.servers.map((s) => ({ ...s }))
      )
    }
    emit('runs:changed', summary(r))
    if (r.batchId) bumpBatch(r.batchId)
  }

  const bumpBatch = (batchId: string): void => {
    const b = sim.batches.get(batchId)
    if (!b) return
    const runs = [...sim.runs.values()].filter((r) => r.batchId === batchId)
    b.completed = runs.filter((r) => r.status === 'completed').length
    b.running = runs.filter((r) => r.status === 'running').length
    b.status = b.completed === b.total ? 'completed' : 'running'
    emit('batches:changed', { ...b })
  }

  setInterval(() => {
    const now = Date.now()
    schedule(now)
    for (const r of sim.runs.values()) if (r.status === 'running' && Math.random() < 0.8) advance(r, now)
  }, TICK_MS)

  const history = (): HistoryItem[] =>
    [...sim.runs.values()]
      .filter((r) => r.outputs.length)
      .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0))
      .map((r) => ({
        runId: r.id,
        hash: r.outputs[0]!.hash,
        nodeId: '9',
        width: 1024,
        height: 1024,
        format: 'png',
        errorMessage: null,
        createdAt: r.finishedAt ?? 0,
        status: r.status,
        positive: r.positive,
        models: r.models,
        serverName: r.serverName,
        seed: r.seed,
      }))

  const handlers: { [K in RequestChannel]: (p: RequestParams<K>) => RequestResult<K> } = {
    'app:info': () => appInfo(),
    'app:open-external': () => ok(null),
    'servers:list': () => sim.servers,
    'farm:servers': () => [],
    'servers:add': (input) => {
      const v: ServerView = {
        ...initialServers()[0]!,
        id: id('srv'),
        name: input.name,
        address: input.address,
        slots: input.slots ?? 2,
      }
      sim.servers.push(v)
      return ok(v)
    },
    'servers:update': ({ id: sid, patch }) => {
      const s = sim.servers.find((x) => x.id === sid)
      if (!s) return err('servers/not-found', `No server ${sid}`)
      Object.assign(s, patch)
      emit(
        'servers:changed',
        sim.servers.map((x) => ({ ...x }))
      )
      return ok(s)
    },
    'servers:remove': ({ id: sid }) => {
      const moved = sim.servers.find((x) => x.id === sid)?.currentRunIds ?? []
      sim.servers = sim.servers.filter((x) => x.id !== sid)
      return ok({ moved })
    },
    'servers:test': ({ address }) =>
      address.includes('8188')
        ? ok({ device: 'NVIDIA GeForce RTX 4090', comfyuiVersion: '0.3.68', latencyMs: 4 })
        : err('servers/unreachable', `Nothing answers at ${address}`),
    'runs:submit': (req) => {
      const name = req.files?.[0]?.name ?? 'pasted'
      if (name.includes('bad'))
        return err('intake/not-json', `${name} is neither JSON nor a PNG/WebP with a ComfyUI workflow.`)
      const r = newRun(sim, name, null, Date.now())
      emit('runs:changed', summary(r))
      return ok({ runIds: [r.id], batchIds: [] })
    },
    // The dev page's form: a few fields of the default graph, so the run sheet can be styled without a core.
    'runs:inspect': () =>
      ok({
        name: 'dev workflow',
        fields: [
          {
            nodeId: '3',
            nodeTitle: 'KSampler',
            classType: 'KSampler',
            input: 'seed',
            kind: 'int' as const,
            value: 1,
            min: 0,
            common: true,
          },
          {
            nodeId: '3',
            nodeTitle: 'KSampler',
            classType: 'KSampler',
            input: 'cfg',
            kind: 'float' as const,
            value: 8,
            min: 0,
            max: 100,
            common: true,
          },
          {
            nodeId: '4',
            nodeTitle: 'Load Checkpoint',
            classType: 'CheckpointLoaderSimple',
            input: 'ckpt_name',
            kind: 'combo' as const,
            value: 'a.safetensors',
            options: ['a.safetensors', 'b.safetensors'],
            common: true,
          },
          {
            nodeId: '6',
            nodeTitle: 'CLIP Text Encode (Prompt)',
            classType: 'CLIPTextEncode',
            input: 'text',
            kind: 'string' as const,
            value: 'a photo of a cat',
            multiline: true,
            common: true,
          },
        ],
        problems: [],
      }),
    'runs:list': () => [...sim.runs.values()].map(summary),
    'runs:get': ({ id: rid }) => {
      const r = sim.runs.get(rid)
      return r ? ok({ ...r, nodes: { ...r.nodes } }) : err('runs/not-found', `No run ${rid}`)
    },
    'runs:cancel': ({ id: rid }) => {
      const r = sim.runs.get(rid)
      if (!r) return err('runs/not-found', `No run ${rid}`)
      r.status = 'cancelled'
      r.finishedAt = Date.now()
      emit('runs:changed', summary(r))
      return ok(null)
    },
    'runs:rerun': ({ id: rid }) => {
      const r = newRun(sim, `${sim.runs.get(rid)?.name ?? 'run'} (re-run)`, null, Date.now())
      emit('runs:changed', summary(r))
      return ok({ runIds: [r.id], batchIds: [] })
    },
    'batches:list': () => [...sim.batches.values()],
    'batches:cancel': () => ok(null),
    'history:search': (q) => {
      const all = history().filter((h) => !q.text || (h.positive ?? '').includes(q.text))
      const start = Number(q.cursor ?? 0)
      const end = start + (q.limit ?? 50)
      return { items: all.slice(start, end), total: null, nextCursor: end < all.length ? String(end) : null }
    },
    'history:delete': ({ runId }) => {
      sim.runs.delete(runId)
      return ok(null)
    },
    'settings:get': () => sim.settings,
    'settings:update': (patch) => {
      const slots = patch.defaultSlots
      if (slots !== undefined && (slots < 1 || slots > 8))
        return err('settings/invalid', 'defaultSlots must be an integer from 1 to 8', {
          issues: [{ path: 'defaultSlots', message: 'must be an integer from 1 to 8' }],
        })
      sim.settings = { ...sim.settings, ...(patch as Partial<Settings>) }
      return ok(sim.settings)
    },
  }

  return {
    connection: createConnectionState('open'),
    invoke<K extends RequestChannel>(channel: K, params: RequestParams<K>): Promise<RequestResult<K>> {
      const handler = handlers[channel] as (p: RequestMap[K]['params']) => RequestResult<K>
      return new Promise((resolve) => setTimeout(() => resolve(structuredClone(handler(params))), 20))
    },
    on: (channel, listener) => hub.on(channel, listener),
    imageUrl: (h) => fakeImage(h),
  }
}
