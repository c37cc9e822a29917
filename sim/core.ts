/**
 * The state and worker of one simulated ComfyUI server: queue, history, caches, faults, stats, and the
 * single worker that takes prompts off the heap (main.py prompt_worker, 0.3.64). HTTP lives in server.ts.
 */
import { setImmediate as yieldToIo } from 'node:timers/promises'
import { NODE_CATALOG, inputType } from './catalog/object-info'
import type { InputDef, ModelLists, NodeDef } from './catalog/types'
import { Aborted, PromptRun } from './exec/executor'
import { ModelCache, type VramModel } from './exec/model-cache'
import type { CacheEntry, ExecHost, RunResult } from './exec/executor'
import type { CatalogView } from './exec/validate'
import { encodePng } from './media/png'
import { WsHub } from './net/ws-hub'
import { pyStr } from './py/py-json'
import type { Dumpable, PyDict, PyValue } from './py/py-json'
import { FileStore } from './state/file-store'
import { itemTuple, PromptQueue, type HistoryEntry } from './state/prompt-queue'
import type { QueueItem } from './state/prompt-queue'
import { noFaults } from './types'
import type { SimFaults, SimRunSpan, SimStats } from './types'

export interface CoreConfig {
  name: string
  speed: number
  timing: { stepMs: number; nodeMs: number; loadMs: number }
  previews: boolean
  models: ModelLists
  device: { name: string; vramTotal: number; vramFree: number }
  vram: VramModel | null
  uuidPromptIds: boolean
  perConnectionWsCleanup: boolean
  dataDir: string
  /** Reported by /system_stats; null = the baseline's version. */
  comfyuiVersion: string | null
  ignoreClientPromptId: boolean
  globalInterruptOnly: boolean
}

function emptyStats(): SimStats {
  return {
    executions: {},
    started: {},
    accepted: 0,
    completed: 0,
    failed: 0,
    interrupted: 0,
    queueLength: 0,
    running: null,
    busyMs: 0,
    busyIntervals: [],
    timeline: [],
    views: {},
  }
}

/** Deep copy of a PyValue (PromptQueue.get deep-copies the item it marks running). */
function deepCopy(v: PyValue): PyValue {
  if (Array.isArray(v)) return v.map(deepCopy)
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, deepCopy(x)] as const))
  return v
}

export class SimCore {
  readonly queue = new PromptQueue()
  readonly files: FileStore
  readonly ws: WsHub
  readonly cache = new Map<string, CacheEntry>()
  readonly loadedModels: ModelCache
  faults: SimFaults = noFaults()
  private statsData = emptyStats()
  /** server.number: the priority counter (restarts at 0). */
  number = 0
  /** Bumped on crash/stop so a running prompt is abandoned. */
  private epoch = 0
  private interruptFlag = false
  private lastNodeId: string | null = null
  private runningClient: string | null = null
  private workerWake: (() => void) | null = null
  private hangWaiters: Array<() => void> = []
  private pendingFree = { unload: false, free: false }
  private readonly catalogView: CatalogView

  constructor(readonly config: CoreConfig) {
    this.files = new FileStore(config.dataDir)
    this.loadedModels = new ModelCache(config.device.vramTotal, config.timing.loadMs, config.vram)
    this.ws = new WsHub({
      status: () => this.queueInfo(),
      lastNodeFor: (sid) => (sid === this.runningClient ? this.lastNodeId : null),
      frozen: () => this.faults.hang,
      perConnectionCleanup: config.perConnectionWsCleanup,
    })
    this.catalogView = {
      node: (ct) => NODE_CATALOG.get(ct),
      // Only LoadImage-style combos need the input folder listing: avoid a readdir per input.
      inputType: (def: InputDef) =>
        inputType(
          def,
          this.config.models,
          typeof def.type === 'object' && 'inputFiles' in def.type ? this.files.inputFiles() : []
        ),
      inputFileExists: (name) => this.files.inputExists(name),
    }
  }

  get catalog(): CatalogView {
    return this.catalogView
  }

  /** {"exec_info": {"queue_remaining": N}} */
  queueInfo(): Dumpable {
    return { exec_info: { queue_remaining: this.queue.remaining() } }
  }

  /** server.queue_updated(): broadcast status. */
  broadcastStatus(): void {
    this.ws.send('status', { status: this.queueInfo() }, null)
  }

  /** Start the worker for the current epoch (call after listen). */
  startWorker(): void {
    const epoch = this.epoch
    void this.workerLoop(epoch)
  }

  /** Abandon the running prompt and forget queue + history (crash / restart); stats survive. */
  resetVolatile(): void {
    this.epoch++
    this.queue.reset()
    this.cache.clear()
    this.loadedModels.clear()
    this.number = 0
    this.interruptFlag = false
    this.lastNodeId = null
    this.runningClient = null
    this.statsData.running = null
    this.wakeWorker()
    this.releaseHang()
  }

  /** Queue an accepted prompt and wake the worker. */
  enqueue(item: QueueItem): void {
    this.queue.put(item)
    this.statsData.accepted++
    this.broadcastStatus()
    this.wakeWorker()
  }

  /** POST /interrupt. */
  interrupt(promptId: string | null): void {
    if (promptId === null || this.config.globalInterruptOnly) {
      this.interruptFlag = true
      return
    }
    for (const item of this.queue.running.values()) if (item.promptId === promptId) this.interruptFlag = true
  }

  /** POST /free: applied by the worker after its current prompt (at once when idle). */
  requestFree(unload: boolean, free: boolean): void {
    this.pendingFree.unload ||= unload
    this.pendingFree.free ||= free
    if (this.queue.running.size === 0) this.applyFree()
  }

  setFaults(f: Partial<SimFaults>): void {
    const wasHung = this.faults.hang
    this.faults = { ...this.faults, ...f }
    if (wasHung && !this.faults.hang) this.releaseHang()
  }

  clearFaults(): void {
    this.setFaults(noFaults())
  }

  stats(): SimStats {
    const s = this.statsData
    return {
      ...s,
      executions: { ...s.executions },
      started: { ...s.started },
      views: { ...s.views },
      busyIntervals: s.busyIntervals.map((i) => [i[0], i[1]] as [number, number]),
      timeline: s.timeline.map((r) => ({ ...r, models: [...r.models], loads: [...r.loads] })),
      queueLength: this.queue.heap.length,
    }
  }

  /** Counts a GET /view that answered this file. */
  noteView(filename: string): void {
    this.statsData.views[filename] = (this.statsData.views[filename] ?? 0) + 1
  }

  resetStats(): void {
    const running = this.statsData.running
    this.statsData = emptyStats()
    this.statsData.running = running
  }

  private releaseHang(): void {
    const waiters = this.hangWaiters
    this.hangWaiters = []
    for (const w of waiters) w()
    if (!this.faults.hang) this.ws.flushHeld()
  }

  private wakeWorker(): void {
    const wake = this.workerWake
    this.workerWake = null
    wake?.()
  }

  private async gate(epoch: number): Promise<void> {
    while (this.faults.hang && epoch === this.epoch) await new Promise<void>((r) => this.hangWaiters.push(r))
    if (epoch !== this.epoch) throw new Aborted()
  }

  private applyFree(): void {
    if (this.pendingFree.unload) this.loadedModels.clear()
    if (this.pendingFree.free) {
      this.cache.clear()
      this.loadedModels.clear()
    }
    this.pendingFree = { unload: false, free: false }
  }

  private async workerLoop(epoch: number): Promise<void> {
    while (epoch === this.epoch) {
      try {
        await this.gate(epoch)
      } catch {
        return
      }
      const taken = this.queue.take()
      if (!taken) {
        await new Promise<void>((r) => (this.workerWake = r))
        continue
      }
      await this.runTask(epoch, taken[0], taken[1])
      // Let HTTP and WebSocket I/O in between prompts even when every node takes zero time.
      await yieldToIo()
    }
  }

  private async runTask(epoch: number, taskId: number, item: QueueItem): Promise<void> {
    // PromptQueue.get deep-copies the item it marks running: /queue and history show that copy.
    const shown: QueueItem = {
      ...item,
      prompt: deepCopy(item.prompt) as PyDict,
      extraData: deepCopy(item.extraData) as PyDict,
    }
    this.queue.running.set(taskId, shown)
    const cid = item.extraData.get('client_id')
    this.runningClient = cid === undefined || cid === null ? null : typeof cid === 'string' ? cid : pyStr(cid)
    this.broadcastStatus()
    const id = item.promptId
    const s = this.statsData
    s.started[id] = (s.started[id] ?? 0) + 1
    s.running = id
    const start = Date.now()
    const loadsBefore = this.loadedModels.loads().length
    this.loadedModels.takeUsed()
    let result: RunResult
    try {
      result = await new PromptRun(this.execHost(epoch), item).run()
    } catch (ex) {
      if (ex instanceof Aborted) return
      throw ex
    }
    if (epoch !== this.epoch) return
    const end = Date.now()
    s.busyMs += end - start
    s.busyIntervals.push([start, end])
    s.timeline.push(this.span(id, start, end, result.status, loadsBefore))
    s.running = null
    if (result.status === 'success') {
      s.completed++
      s.executions[id] = (s.executions[id] ?? 0) + 1
    } else if (result.status === 'interrupted') s.interrupted++
    else s.failed++
    const ok = result.status === 'success'
    // A loaded real server writes history (task_done) a while after execution_success was sent.
    const lateMs = this.faults.historyDelayMs
    if (lateMs > 0) await new Promise((r) => setTimeout(r, lateMs))
    if (epoch !== this.epoch) return
    const entry: HistoryEntry = {
      prompt: itemTuple(shown, true),
      outputs: result.outputs,
      status: { status_str: ok ? 'success' : 'error', completed: ok, messages: result.messages },
      meta: result.meta,
    }
    this.queue.taskDone(taskId, this.faults.forgetHistory ? null : entry)
    this.broadcastStatus()
    if (this.runningClient !== null) this.ws.send('executing', { node: null, prompt_id: id }, this.runningClient)
    this.runningClient = null
    this.applyFree()
  }

  /** The run just finished, for the benchmarks' charts: its models and the loads it paid (wall ms). */
  private span(
    promptId: string,
    start: number,
    end: number,
    status: RunResult['status'],
    loadsBefore: number
  ): SimRunSpan {
    const speed = this.config.speed > 0 ? this.config.speed : 1
    const loads = this.loadedModels
      .loads()
      .slice(loadsBefore)
      .map((l) => ({ model: l.model, at: l.at, ms: l.ms / speed }))
    return { promptId, start, end, status, models: this.loadedModels.takeUsed(), loads }
  }

  private execHost(epoch: number): ExecHost {
    return {
      ws: this.ws,
      files: this.files,
      cache: this.cache,
      loadedModels: this.loadedModels,
      timing: { ...this.config.timing, speed: this.config.speed },
      previews: this.config.previews,
      node: (ct: string): NodeDef | undefined => NODE_CATALOG.get(ct),
      faults: () => this.faults,
      gate: () => this.gate(epoch),
      interruptRequested: () => this.interruptFlag,
      clearInterrupt: () => {
        this.interruptFlag = false
      },
      setLastNode: (nodeId) => {
        this.lastNodeId = nodeId
      },
      encodePreview: (rgb, w, h) => encodePreview(rgb, w, h),
    }
  }
}

/** Sampler previews are JPEG in ComfyUI (image type 1); fall back to PNG (type 2) if sharp is unavailable. */
async function encodePreview(rgb: Uint8Array, width: number, height: number): Promise<[number, Buffer]> {
  try {
    const sharp = (await import('sharp')).default
    const jpeg = await sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 80 })
      .toBuffer()
    return [1, jpeg]
  } catch {
    return [2, encodePng(width, height, rgb, [], 1)]
  }
}
