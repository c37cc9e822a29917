/**
 * Graph helpers for execution: cache signatures and the execution order.
 *
 * Signatures follow comfy_execution/caching.py CacheKeySetInputSignature: class_type, IS_CHANGED result and
 * literal inputs, plus the signatures of linked ancestors (by structure, never by node id).
 * The order follows comfy_execution/graph.py ExecutionList: nodes are added depth-first from each output,
 * cached inputs are not linked, and ux_friendly_pick_node prefers output nodes and their close feeders.
 */
import { createHash } from 'node:crypto'
import { isDict, pyDumps } from '../py/py-json'
import type { PyDict, PyValue } from '../py/py-json'

/** True for ComfyUI's is_link: [str, int|float]. */
export function isLink(v: PyValue | undefined): v is [string, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number'
}

/** Cache signature of every node in the prompt. */
export function computeSignatures(prompt: PyDict): Map<string, string> {
  const sigs = new Map<string, string>()
  const visiting = new Set<string>()
  const sig = (id: string): string => {
    const known = sigs.get(id)
    if (known) return known
    const node = prompt.get(id)
    if (!isDict(node) || visiting.has(id)) return `missing:${id}`
    visiting.add(id)
    const inputs = node.get('inputs')
    const parts: string[] = [pyDumps(node.get('class_type') ?? null), pyDumps(node.get('is_changed') ?? null)]
    if (isDict(inputs)) {
      for (const name of [...inputs.keys()].sort()) {
        const v = inputs.get(name) as PyValue
        parts.push(isLink(v) ? `${name}=>${sig(v[0])}#${v[1]}` : `${name}=${pyDumps(v)}`)
      }
    }
    visiting.delete(id)
    const s = createHash('sha1').update(parts.join('\u0000')).digest('hex')
    sigs.set(id, s)
    return s
  }
  for (const id of prompt.keys()) sig(id)
  return sigs
}

/** The order in which a prompt's nodes run (one at a time, like ComfyUI's single worker). */
export class ExecutionList {
  private readonly pending = new Map<string, true>()
  private readonly blockCount = new Map<string, number>()
  private readonly blocking = new Map<string, Set<string>>()

  constructor(
    private readonly prompt: PyDict,
    private readonly isCached: (id: string) => boolean,
    private readonly isOutput: (id: string) => boolean
  ) {}

  /** Add a node and (recursively) every uncached node it needs. */
  addNode(id: string): void {
    if (this.pending.has(id)) return
    this.pending.set(id, true)
    this.blockCount.set(id, 0)
    this.blocking.set(id, new Set())
    const node = this.prompt.get(id)
    const inputs = isDict(node) ? node.get('inputs') : undefined
    if (!isDict(inputs)) return
    for (const v of inputs.values()) {
      if (!isLink(v) || this.isCached(v[0]) || !this.prompt.has(v[0])) continue
      this.addNode(v[0])
      const blocks = this.blocking.get(v[0])
      if (blocks && !blocks.has(id)) {
        blocks.add(id)
        this.blockCount.set(id, (this.blockCount.get(id) ?? 0) + 1)
      }
    }
  }

  /** The next node to run, or undefined when done. */
  next(): string | undefined {
    const ready = [...this.pending.keys()].filter((id) => this.blockCount.get(id) === 0)
    if (ready.length === 0) return undefined
    const blocked = (id: string): Set<string> => this.blocking.get(id) ?? new Set()
    return (
      ready.find((id) => this.isOutput(id)) ??
      ready.find((id) => [...blocked(id)].some((b) => this.isOutput(b))) ??
      ready.find((id) => [...blocked(id)].some((b) => [...blocked(b)].some((c) => this.isOutput(c)))) ??
      ready[0]
    )
  }

  /** Mark a node done, unblocking its dependents. */
  complete(id: string): void {
    this.pending.delete(id)
    for (const to of this.blocking.get(id) ?? []) this.blockCount.set(to, (this.blockCount.get(to) ?? 1) - 1)
    this.blocking.delete(id)
  }

  /** True when nodes remain but none can run (a dependency cycle). */
  stuck(): boolean {
    return this.pending.size > 0 && this.next() === undefined
  }
}
