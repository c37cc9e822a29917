/**
 * Runs one prompt the way ComfyUI 0.3.64's PromptExecutor does (execution.py execute_async / execute,
 * main.py prompt_worker hook), emitting the WebSocket sequences of the protocol reference §7.4:
 *
 *   execution_start, execution_cached, then per node: progress_state(running), executing,
 *   [progress_state, (metadata preview), progress, (legacy preview)] per sampler step, executed (UI output),
 *   progress_state(finished); then execution_success | execution_error | execution_interrupted.
 *
 * Cached nodes (classic cache: entries of the previous prompt that this prompt shares) are skipped; a
 * cached output node only re-sends its old `executed`. Routing: execution_* / executing / executed go to the
 * prompt's client only (dropped when it has none); progress, progress_state and execution_interrupted are
 * broadcast when the prompt has no client_id.
 */
import type { NodeDef } from '../catalog/types'
import { encodePng } from '../media/png'
import type { PngText } from '../media/png'
import { hash32, renderFill } from '../media/pattern'
import { isDict, PyFloat, pyDumps, pyStr } from '../py/py-json'
import type { Dumpable, PyDict } from '../py/py-json'
import type { FileRef, FileStore } from '../state/file-store'
import { SaveError } from '../state/file-store'
import type { QueueItem } from '../state/prompt-queue'
import type { SimFaults } from '../types'
import { BinaryEvent } from '../net/ws-hub'
import type { WsHub } from '../net/ws-hub'
import { computeSignatures, ExecutionList, isLink } from './graph'
import { isSimValue, runNode, samplerSteps } from './node-runtime'
import type { ResolvedInputs, SimImage, SimValue } from './node-runtime'
import type { ModelCache } from './model-cache'

/** One cached node result (keyed by cache signature). */
export interface CacheEntry {
  outputs: SimValue[]
  ui: { output: Dumpable; meta: Dumpable } | null
}

/** Thrown by ExecHost.gate() when the server crashed or stopped: the run is abandoned silently. */
export class Aborted extends Error {}

/** Everything the executor needs from its server. */
export interface ExecHost {
  readonly ws: WsHub
  readonly files: FileStore
  readonly cache: Map<string, CacheEntry>
  /** The GPU's model cache: bounded by VRAM when the server has a VRAM model. */
  readonly loadedModels: ModelCache
  readonly timing: { stepMs: number; nodeMs: number; loadMs: number; speed: number }
  readonly previews: boolean
  node(classType: string): NodeDef | undefined
  faults(): SimFaults
  /** Waits while the server is hung; throws Aborted once it crashed/stopped. */
  gate(): Promise<void>
  /** The interrupt flag (cleared at the start of every prompt). */
  interruptRequested(): boolean
  clearInterrupt(): void
  /** server.last_node_id, for the reconnect "executing" message. */
  setLastNode(id: string | null): void
  /** Lazily encode a preview frame image; returns [imageType, bytes]. */
  encodePreview(rgb: Uint8Array, width: number, height: number): Promise<[number, Buffer]>
}

export type RunStatus = 'success' | 'error' | 'interrupted'

export interface RunResult {
  status: RunStatus
  messages: Array<[string, Record<string, Dumpable>]>
  outputs: Map<string, Dumpable>
  meta: Map<string, Dumpable>
}

class InterruptProcessing extends Error {}

class NodeFailure extends Error {
  constructor(
    readonly exceptionType: string,
    readonly exceptionMessage: string,
    readonly traceback: string[]
  ) {
    super(exceptionMessage)
  }
}

const OOM_TIPS =
  'This error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.'

const PREVIEW_SIZE = 64

/** Executes one queue item on a host. */
export class PromptRun {
  private readonly messages: Array<[string, Record<string, Dumpable>]> = []
  private readonly sid: string | null
  private readonly progress = new Map<string, { value: number | PyFloat; max: number | PyFloat; state: string }>()
  private readonly executed: string[] = []
  private sigs = new Map<string, string>()
  private promptText: string | null = null

  constructor(
    private readonly host: ExecHost,
    private readonly item: QueueItem
  ) {
    const cid = item.extraData.get('client_id')
    this.sid = cid === undefined || cid === null ? null : typeof cid === 'string' ? cid : pyStr(cid)
  }

  private get promptId(): string {
    return this.item.promptId
  }

  /** add_message: timestamped, recorded for history, sent to the client (or broadcast when asked). */
  private add(event: string, data: Record<string, Dumpable>, broadcast = false): void {
    const withTs = { ...data, timestamp: Date.now() }
    this.messages.push([event, withTs])
    if (this.sid !== null || broadcast) this.host.ws.send(event, withTs, this.sid)
  }

  private toClient(event: string, data: Dumpable): void {
    if (this.sid !== null) this.host.ws.send(event, data, this.sid)
  }

  async run(): Promise<RunResult> {
    const { prompt } = this.item
    this.host.clearInterrupt()
    this.add('execution_start', { prompt_id: this.promptId })
    await this.host.gate()
    this.markIsChanged(prompt)
    this.sigs = computeSignatures(prompt)
    const live = new Set(this.sigs.values())
    for (const key of [...this.host.cache.keys()]) if (!live.has(key)) this.host.cache.delete(key)
    const isCached = (id: string): boolean => this.host.cache.has(this.sigs.get(id) ?? '')
    const cachedIds = [...prompt.keys()].filter(isCached)
    this.add('execution_cached', { nodes: cachedIds, prompt_id: this.promptId })
    for (const id of cachedIds) {
      const def = this.defOf(id)
      if (def) this.useModels(def, this.resolveInputs(id))
    }
    const list = new ExecutionList(prompt, isCached, (id) => this.defOf(id)?.outputNode === true)
    for (const o of this.item.outputs) list.addNode(o)
    let status: RunStatus = 'success'
    for (let id = list.next(); id !== undefined; id = list.next()) {
      try {
        // `executed` lists only nodes that really ran in this prompt (cached ones return early).
        if (await this.executeNode(id)) this.executed.push(id)
      } catch (ex) {
        if (ex instanceof Aborted) throw ex
        status = this.handleError(id, ex)
        break
      }
      list.complete(id)
    }
    if (status === 'success') this.add('execution_success', { prompt_id: this.promptId })
    this.host.setLastNode(null)
    return { status, messages: this.messages, ...this.historyOutputs() }
  }

  private defOf(id: string): NodeDef | undefined {
    const node = this.item.prompt.get(id)
    const ct = isDict(node) ? node.get('class_type') : undefined
    return typeof ct === 'string' ? this.host.node(ct) : undefined
  }

  /** IsChangedCache writes the IS_CHANGED result into the live prompt (LoadImage: sha256 of the file). */
  private markIsChanged(prompt: PyDict): void {
    for (const node of prompt.values()) {
      const ct = isDict(node) ? node.get('class_type') : undefined
      if (!isDict(node) || typeof ct !== 'string' || this.host.node(ct)?.isChanged !== true) continue
      const inputs = node.get('inputs')
      const image = isDict(inputs) ? inputs.get('image') : undefined
      const probe = typeof image === 'string' ? this.host.files.probeInput(image) : null
      node.set('is_changed', probe ? [probe.hash] : NaN)
    }
  }

  /** Run one node; false when it was answered from the cache. */
  private async executeNode(id: string): Promise<boolean> {
    const def = this.defOf(id)
    if (!def) throw new NodeFailure('KeyError', `'${id}'\n`, [])
    const sig = this.sigs.get(id) ?? ''
    const hit = this.host.cache.get(sig)
    if (hit) {
      this.toClient('executed', {
        node: id,
        display_node: id,
        output: hit.ui?.output ?? null,
        prompt_id: this.promptId,
      })
      this.finishProgress(id)
      return false
    }
    const inputs = this.resolveInputs(id)
    this.startProgress(id)
    this.host.setLastNode(this.sid === null ? null : id)
    this.toClient('executing', { node: id, display_node: id, prompt_id: this.promptId })
    await this.checkInterrupt()
    const fault = this.matchFault(id, def)
    await this.spendTime(id, def, inputs, fault)
    if (fault) {
      // ComfyUI unloads all models after an OOM: the next prompt pays the load times again.
      if (isOom(fault.exceptionType)) this.host.loadedModels.clear()
      throw new NodeFailure(fault.exceptionType, this.exceptionMessage(fault), this.traceback(def))
    }
    const outputs = runNode(def, inputs, sig, (name) => this.host.files.probeInput(name))
    let ui: CacheEntry['ui'] = null
    if (def.behaviour?.kind === 'save') {
      const images = this.saveImages(def, inputs)
      const textChars = this.host.faults().uiTextChars
      const text = textChars > 0 ? { text: ['t'.repeat(textChars)] } : {}
      ui = { output: { images, ...text }, meta: { node_id: id, display_node: id, parent_node: null, real_node_id: id } }
      this.toClient('executed', { node: id, display_node: id, output: ui.output, prompt_id: this.promptId })
    }
    this.host.cache.set(sig, { outputs, ui })
    this.finishProgress(id)
    return true
  }

  private resolveInputs(id: string): ResolvedInputs {
    const node = this.item.prompt.get(id)
    const raw = isDict(node) ? node.get('inputs') : undefined
    const out: ResolvedInputs = new Map()
    if (!isDict(raw)) return out
    for (const [name, v] of raw) {
      if (isLink(v)) {
        const entry = this.host.cache.get(this.sigs.get(v[0]) ?? '')
        const value = entry?.outputs[v[1]]
        if (value) out.set(name, value)
      } else out.set(name, v)
    }
    return out
  }

  private matchFault(id: string, def: NodeDef): SimFaults['errorAtNode'] {
    const f = this.host.faults().errorAtNode
    if (!f) return null
    if (f.classType !== undefined && f.classType !== def.name) return null
    if (f.nodeId !== undefined && f.nodeId !== id) return null
    return f.classType === undefined && f.nodeId === undefined ? null : f
  }

  private exceptionMessage(f: NonNullable<SimFaults['errorAtNode']>): string {
    const tips = isOom(f.exceptionType) ? OOM_TIPS : ''
    return `${f.message}\n${tips}`
  }

  private traceback(def: NodeDef): string[] {
    return [
      '  File "/ComfyUI/execution.py", line 496, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n',
      '  File "/ComfyUI/execution.py", line 315, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n',
      '  File "/ComfyUI/execution.py", line 289, in _async_map_node_over_list\n    await process_inputs(input_dict, i)\n',
      '  File "/ComfyUI/execution.py", line 277, in process_inputs\n    result = f(**inputs)\n',
      `  File "/ComfyUI/${def.pythonModule ?? 'nodes'}.py", line 1, in ${def.name}\n    (simulated)\n`,
    ]
  }

  private scaled(ms: number): number {
    return ms / (this.host.timing.speed > 0 ? this.host.timing.speed : 1)
  }

  /** Spend the node's simulated time; samplers report progress per step (and fail half-way on a fault). */
  private async spendTime(
    id: string,
    def: NodeDef,
    inputs: ResolvedInputs,
    fault: SimFaults['errorAtNode']
  ): Promise<void> {
    const b = def.behaviour
    const t = this.host.timing
    if (b?.kind === 'sampler') {
      const steps = samplerSteps(def, inputs)
      const stop = fault ? Math.floor(steps / 2) : steps
      for (let step = 1; step <= stop; step++) {
        await sleep(this.scaled(t.stepMs))
        await this.host.gate()
        await this.checkInterrupt()
        await this.reportStep(id, step, steps, inputs)
      }
      return
    }
    if (b?.kind === 'loader') {
      const load = this.useModels(def, inputs)
      await sleep(this.scaled(load > 0 ? load : t.nodeMs))
    } else {
      await sleep(this.scaled(t.nodeMs))
    }
    await this.host.gate()
  }

  /**
   * Puts a loader's models on the GPU (most recently used); returns the load time at speed 1. A cached
   * loader (called before execution with the time ignored) uses its model too: the sampler moves it to
   * the GPU (load_models_gpu), and the previous prompt loaded it, so that costs nothing.
   */
  private useModels(def: NodeDef, inputs: ResolvedInputs): number {
    if (def.behaviour?.kind !== 'loader') return 0
    let load = 0
    for (const input of def.behaviour.modelInputs) {
      const v = inputs.get(input)
      const file = typeof v === 'string' ? v : ''
      load += this.host.loadedModels.use(`${def.name}:${file}`, file)
    }
    return load
  }

  private async checkInterrupt(): Promise<void> {
    await this.host.gate()
    if (this.host.interruptRequested()) {
      this.host.clearInterrupt()
      throw new InterruptProcessing()
    }
  }

  /**
   * One sampler step, in main.py hijack_progress order: the progress registry update first (progress_state,
   * then the metadata preview for clients that negotiated it), then `progress`, then the legacy preview.
   * (Read from main.py and comfy_execution/progress.py; the protocol reference lists progress first.)
   */
  private async reportStep(id: string, value: number, max: number, inputs: ResolvedInputs): Promise<void> {
    const preview = this.host.previews ? await this.previewFrame(id, value, max, inputs) : null
    await this.host.gate()
    this.progress.set(id, { value, max, state: 'running' })
    this.sendProgressState()
    const metadataClient = this.host.ws.supportsPreviewMetadata(this.sid)
    if (preview && metadataClient) {
      const meta = Buffer.from(
        pyDumps({
          node_id: id,
          prompt_id: this.promptId,
          display_node_id: id,
          parent_node_id: null,
          real_node_id: id,
          image_type: preview[0] === 1 ? 'image/jpeg' : 'image/png',
        }),
        'utf8'
      )
      const head = Buffer.alloc(8)
      head.writeUInt32BE(BinaryEvent.PREVIEW_IMAGE_WITH_METADATA, 0)
      head.writeUInt32BE(meta.length, 4)
      this.host.ws.sendBinary(Buffer.concat([head, meta, preview[1]]), this.sid)
    }
    this.host.ws.send('progress', { value, max, prompt_id: this.promptId, node: id }, this.sid)
    if (preview && !metadataClient) {
      const head = Buffer.alloc(8)
      head.writeUInt32BE(BinaryEvent.PREVIEW_IMAGE, 0)
      head.writeUInt32BE(preview[0], 4)
      this.host.ws.sendBinary(Buffer.concat([head, preview[1]]), this.sid)
    }
  }

  /** A small picture that sharpens towards the final pattern as the sampler progresses. */
  private async previewFrame(
    id: string,
    step: number,
    steps: number,
    inputs: ResolvedInputs
  ): Promise<[number, Buffer]> {
    const latent = [...inputs.values()].find((v) => isSimValue(v) && v.kind === 'LATENT')
    const ratio = latent && isSimValue(latent) && latent.kind === 'LATENT' ? latent.height / latent.width : 1
    const w = PREVIEW_SIZE
    const h = Math.max(8, Math.round(PREVIEW_SIZE * ratio))
    const rgb = renderFill({ type: 'pattern', seed: hash32(this.sigs.get(id) ?? id) }, w, h, 0, false)
    const noise = 1 - step / Math.max(1, steps)
    for (let i = 0; i < rgb.length; i++) rgb[i] = ((rgb[i] ?? 0) * (1 - noise) + ((i * 2654435761) >>> 24) * noise) | 0
    return this.host.encodePreview(rgb, w, h)
  }

  private startProgress(id: string): void {
    this.progress.set(id, { value: new PyFloat(0), max: new PyFloat(1), state: 'running' })
    this.sendProgressState()
  }

  private finishProgress(id: string): void {
    // ensure_entry() creates a pending entry with int 0/1 (a cached node finishes without starting).
    const p = this.progress.get(id) ?? { value: 0, max: 1, state: 'pending' }
    this.progress.set(id, { value: p.max, max: p.max, state: 'finished' })
    this.sendProgressState()
  }

  private sendProgressState(): void {
    const nodes = new Map<string, Dumpable>()
    for (const [id, p] of this.progress) {
      nodes.set(id, {
        value: p.value,
        max: p.max,
        state: p.state,
        node_id: id,
        prompt_id: this.promptId,
        display_node_id: id,
        parent_node_id: null,
        real_node_id: id,
      })
    }
    this.host.ws.send('progress_state', { prompt_id: this.promptId, nodes }, this.sid)
  }

  /** SaveImage / PreviewImage: write PNGs with the prompt and extra_pnginfo text chunks. */
  private saveImages(def: NodeDef, inputs: ResolvedInputs): FileRef[] {
    const images = [...inputs.values()].find((v): v is SimImage => isSimValue(v) && v.kind === 'IMAGE')
    if (!images) throw new NodeFailure('TypeError', "'NoneType' object is not subscriptable\n", this.traceback(def))
    const folder = def.behaviour?.kind === 'save' ? def.behaviour.folder : 'output'
    const given = inputs.get('filename_prefix')
    let prefix = typeof given === 'string' ? given : 'ComfyUI'
    if (folder === 'temp') prefix += '_temp_' + randomLetters(5)
    let target
    try {
      target = this.host.files.saveTarget(prefix, folder, images.width, images.height)
    } catch (ex) {
      if (ex instanceof SaveError) throw new NodeFailure('Exception', `${ex.message}\n`, this.traceback(def))
      throw ex
    }
    const pad = this.host.faults().outputPadBytes
    const texts = pad > 0 ? [...this.pngTexts(), { keyword: 'padding', text: 'x'.repeat(pad) }] : this.pngTexts()
    const refs: FileRef[] = []
    let counter = target.counter
    for (let b = 0; b < images.batch; b++) {
      const name = target.filename.replaceAll('%batch_num%', String(b))
      const file = `${name}_${String(counter).padStart(5, '0')}_.png`
      const rgb = renderFill(images.fill, images.width, images.height, b, images.invert)
      this.host.files.write(
        `${target.folder}/${file}`,
        encodePng(images.width, images.height, rgb, texts, folder === 'temp' ? 1 : 4)
      )
      refs.push({ filename: file, subfolder: target.subfolder, type: folder })
      counter++
    }
    this.host.files.commitCounter(target.key, counter)
    return refs
  }

  /** `prompt` = json.dumps(prompt), then one chunk per extra_pnginfo key (PngInfo.add_text order). */
  private pngTexts(): PngText[] {
    this.promptText ??= pyDumps(this.item.prompt)
    const texts: PngText[] = [{ keyword: 'prompt', text: this.promptText }]
    const extra = this.item.extraData.get('extra_pnginfo')
    if (isDict(extra)) for (const [k, v] of extra) texts.push({ keyword: k, text: pyDumps(v) })
    return texts
  }

  private handleError(id: string, ex: unknown): RunStatus {
    const node = this.item.prompt.get(id)
    const classType = isDict(node) ? (node.get('class_type') ?? null) : null
    if (ex instanceof InterruptProcessing) {
      const mes = { prompt_id: this.promptId, node_id: id, node_type: classType, executed: [...this.executed] }
      this.add('execution_interrupted', mes, true)
      return 'interrupted'
    }
    const failure =
      ex instanceof NodeFailure
        ? ex
        : new NodeFailure('Exception', `${ex instanceof Error ? ex.message : String(ex)}\n`, [])
    this.add('execution_error', {
      prompt_id: this.promptId,
      node_id: id,
      node_type: classType,
      executed: [...this.executed],
      exception_message: failure.exceptionMessage,
      exception_type: failure.exceptionType,
      traceback: failure.traceback,
      current_inputs: this.currentInputs(id),
      current_outputs: this.cachedNodeIds(),
    })
    return 'error'
  }

  private currentInputs(id: string): Map<string, Dumpable> {
    const node = this.item.prompt.get(id)
    const raw = isDict(node) ? node.get('inputs') : undefined
    const out = new Map<string, Dumpable>()
    if (!isDict(raw)) return out
    const resolved = this.resolveInputs(id)
    for (const [name, v] of raw) {
      const r = resolved.get(name)
      out.set(name, [isLink(v) ? (r && isSimValue(r) ? describe(r) : null) : v])
    }
    return out
  }

  private cachedNodeIds(): string[] {
    return [...this.item.prompt.keys()].filter((id) => this.host.cache.has(this.sigs.get(id) ?? ''))
  }

  /** history outputs/meta: UI output of every node of this prompt that has one in the cache. */
  private historyOutputs(): { outputs: Map<string, Dumpable>; meta: Map<string, Dumpable> } {
    const outputs = new Map<string, Dumpable>()
    const meta = new Map<string, Dumpable>()
    for (const id of this.item.prompt.keys()) {
      const ui = this.host.cache.get(this.sigs.get(id) ?? '')?.ui
      if (!ui) continue
      outputs.set(id, ui.output)
      meta.set(id, { node_id: id, display_node: id, parent_node: null, real_node_id: id })
    }
    return { outputs, meta }
  }
}

function isOom(exceptionType: string): boolean {
  return /OutOfMemory|OOM/i.test(exceptionType)
}

function describe(v: SimValue): string {
  if (v.kind === 'IMAGE') return `tensor of shape [${v.batch}, ${v.height}, ${v.width}, 3]`
  if (v.kind === 'LATENT') return `{'samples': tensor of shape [${v.batch}, 4, ${v.height / 8}, ${v.width / 8}]}`
  return `<comfy ${v.type} object>`
}

function randomLetters(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstupvxyz'
  let s = ''
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)] ?? 'a'
  return s
}

/** setTimeout-based sleep; zero or negative durations return at once (keeps zero-time runs fast). */
export function sleep(ms: number): Promise<void> {
  if (!(ms > 0)) return Promise.resolve()
  return new Promise((r) => setTimeout(r, ms))
}
