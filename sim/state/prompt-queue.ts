/**
 * The prompt queue and history of one server, as ComfyUI 0.3.64 execution.py PromptQueue keeps them:
 * a binary min-heap on (number, prompt_id) manipulated with the exact heapq algorithm (so GET /queue shows
 * the same unsorted heap order), at most one running item, and an insertion-ordered history capped at
 * MAXIMUM_HISTORY_SIZE. Everything is in memory and lost on restart, like the real server.
 */
import { PyFloat } from '../py/py-json'
import type { Dumpable, PyDict } from '../py/py-json'

export const MAXIMUM_HISTORY_SIZE = 10000

/** A queued prompt: the 5-tuple (number, prompt_id, prompt, extra_data, outputs_to_execute). */
export interface QueueItem {
  number: number | PyFloat
  promptId: string
  prompt: PyDict
  extraData: PyDict
  outputs: string[]
}

/** History entry status. */
export interface HistoryStatus {
  status_str: 'success' | 'error'
  completed: boolean
  messages: Array<[string, Record<string, Dumpable>]>
}

/** History entry as ComfyUI stores it (key order prompt, outputs, status, meta). */
export interface HistoryEntry {
  prompt: Dumpable
  outputs: Map<string, Dumpable>
  status: HistoryStatus
  meta: Map<string, Dumpable>
}

const SENSITIVE = ['auth_token_comfy_org', 'api_key_comfy_org']

/** The JSON 5-array of a queue item. */
export function itemTuple(item: QueueItem, stripSensitive = false): Dumpable {
  let extra: PyDict = item.extraData
  if (stripSensitive && SENSITIVE.some((k) => extra.has(k))) {
    extra = new Map(extra)
    for (const k of SENSITIVE) extra.delete(k)
  }
  return [item.number, item.promptId, item.prompt, extra, item.outputs]
}

function num(n: number | PyFloat): number {
  return n instanceof PyFloat ? n.value : n
}

function less(a: QueueItem, b: QueueItem): boolean {
  const x = num(a.number)
  const y = num(b.number)
  if (x !== y) return x < y
  return a.promptId < b.promptId
}

export class PromptQueue {
  /** Heap array in heapq layout. */
  readonly heap: QueueItem[] = []
  /** task id → running item (0 or 1 entries). */
  readonly running = new Map<number, QueueItem>()
  readonly history = new Map<string, HistoryEntry>()
  private taskCounter = 0

  /** Pending + running, as get_tasks_remaining(). */
  remaining(): number {
    return this.heap.length + this.running.size
  }

  put(item: QueueItem): void {
    this.heap.push(item)
    this.siftDown(0, this.heap.length - 1)
  }

  /** Pop the next item and mark it running; returns [taskId, item]. */
  take(): [number, QueueItem] | undefined {
    const last = this.heap.pop()
    if (!last) return undefined
    let item = last
    if (this.heap.length > 0) {
      item = this.heap[0] as QueueItem
      this.heap[0] = last
      this.siftUp(0)
    }
    const id = this.taskCounter++
    this.running.set(id, item)
    return [id, item]
  }

  /** Finish a task: write history (unless `record` is false) and drop it from running. */
  taskDone(taskId: number, entry: HistoryEntry | null): void {
    const item = this.running.get(taskId)
    this.running.delete(taskId)
    if (!item || !entry) return
    if (this.history.size > MAXIMUM_HISTORY_SIZE) {
      const oldest = this.history.keys().next()
      if (!oldest.done) this.history.delete(oldest.value)
    }
    this.history.set(item.promptId, entry)
  }

  /** Delete the first pending item matching; returns true if one was removed. */
  deleteFirst(promptId: string): boolean {
    const i = this.heap.findIndex((it) => it.promptId === promptId)
    if (i < 0) return false
    this.heap.splice(i, 1)
    this.heapify()
    return true
  }

  wipe(): void {
    this.heap.length = 0
  }

  /** Drop everything (a restart). */
  reset(): void {
    this.heap.length = 0
    this.running.clear()
    this.history.clear()
  }

  private heapify(): void {
    for (let i = Math.floor(this.heap.length / 2) - 1; i >= 0; i--) this.siftUp(i)
  }

  private siftDown(start: number, pos: number): void {
    const heap = this.heap
    const item = heap[pos] as QueueItem
    while (pos > start) {
      const parentPos = (pos - 1) >> 1
      const parent = heap[parentPos] as QueueItem
      if (!less(item, parent)) break
      heap[pos] = parent
      pos = parentPos
    }
    heap[pos] = item
  }

  private siftUp(pos: number): void {
    const heap = this.heap
    const end = heap.length
    const start = pos
    const item = heap[pos] as QueueItem
    let child = 2 * pos + 1
    while (child < end) {
      const right = child + 1
      if (right < end && !less(heap[child] as QueueItem, heap[right] as QueueItem)) child = right
      heap[pos] = heap[child] as QueueItem
      pos = child
      child = 2 * pos + 1
    }
    heap[pos] = item
    this.siftDown(start, pos)
  }
}
