/**
 * The simulated GPU's model cache, after ComfyUI's comfy/model_management.py: loaded models sit in a
 * list with the most recently used first (`current_loaded_models.insert(0, …)`); before a load,
 * `free_memory(memory_required, device)` unloads the least recently used models until the new one plus
 * the inference reserve fits in VRAM. A model that is loaded costs nothing to use again; a model that
 * was evicted is loaded again in full, so switching between checkpoints that do not fit together costs
 * a reload every time.
 *
 * Without a VRAM model (`vram` option unset) the cache is unbounded and every first load costs the fixed
 * `loadMs`: the simulator's behaviour before this model existed, which the protocol tests rely on.
 */

/** How a farm's models weigh on VRAM. Sizes are by model file name (e.g. a checkpoint's ckpt_name). */
export interface VramModel {
  /** GB per model file name; a name not listed weighs `defaultModelGb`. */
  modelSizesGb?: Record<string, number>
  /** Default 2 GB (an SD 1.5 checkpoint in fp16). */
  defaultModelGb?: number
  /** Load time per GB at speed 1 (the executor divides by the GPU's speed). */
  loadMsPerGb: number
  /**
   * Kept free for inference, like ComfyUI's minimum_inference_memory() plus extra_reserved_memory
   * (about 1 GB on a CUDA card). Default 1 GB.
   */
  reserveGb?: number
}

/** One load the cache performed, for the benchmarks' charts (epoch ms, at speed 1). */
export interface ModelLoad {
  model: string
  at: number
  ms: number
  evicted: string[]
}

const GB = 1024 ** 3

interface Entry {
  key: string
  bytes: number
}

export class ModelCache {
  /** Most recently used first. */
  private entries: Entry[] = []
  private readonly loadLog: ModelLoad[] = []
  private used: string[] = []

  /**
   * @param vramBytes the card's total VRAM (what /system_stats reports as vram_total)
   * @param fixedLoadMs the load time of a model when there is no VRAM model
   */
  constructor(
    private readonly vramBytes: number,
    private readonly fixedLoadMs: number,
    private readonly vram: VramModel | null
  ) {}

  has(key: string): boolean {
    return this.entries.some((e) => e.key === key)
  }

  /** Keys loaded now, most recently used first. */
  loaded(): string[] {
    return this.entries.map((e) => e.key)
  }

  /** Unloads everything (an OOM, /free with unload_models, a restart). */
  clear(): void {
    this.entries = []
  }

  /**
   * Makes `key` (the loader class and model name; `name` is the model file) the most recently used,
   * loading it if needed. Returns the load time at speed 1 (0 when it was loaded already).
   */
  use(key: string, name: string): number {
    this.used.push(name)
    const at = this.entries.findIndex((e) => e.key === key)
    if (at >= 0) {
      const [hit] = this.entries.splice(at, 1)
      this.entries.unshift(hit!)
      return 0
    }
    if (this.vram === null) {
      this.entries.unshift({ key, bytes: 0 })
      this.loadLog.push({ model: name, at: Date.now(), ms: this.fixedLoadMs, evicted: [] })
      return this.fixedLoadMs
    }
    const gb = this.vram.modelSizesGb?.[name] ?? this.vram.defaultModelGb ?? 2
    const bytes = gb * GB
    const evicted = this.freeMemory(bytes + (this.vram.reserveGb ?? 1) * GB)
    this.entries.unshift({ key, bytes })
    const ms = gb * this.vram.loadMsPerGb
    this.loadLog.push({ model: name, at: Date.now(), ms, evicted })
    return ms
  }

  /**
   * free_memory: unloads the least recently used models until `required` bytes are free. A model larger
   * than the card still loads (ComfyUI then runs it partially offloaded, in low-VRAM mode).
   */
  private freeMemory(required: number): string[] {
    const evicted: string[] = []
    while (this.entries.length > 0 && this.vramBytes - this.usedBytes() < required) {
      evicted.push(this.entries.pop()!.key)
    }
    return evicted
  }

  private usedBytes(): number {
    return this.entries.reduce((sum, e) => sum + e.bytes, 0)
  }

  /** Model names used since the last call (the models of the prompt that just ran). */
  takeUsed(): string[] {
    const used = [...new Set(this.used)]
    this.used = []
    return used
  }

  /** Every load so far, oldest first. */
  loads(): readonly ModelLoad[] {
    return this.loadLog
  }
}
