/**
 * ComfyUI's and the engine's run events in words, so the log explains what happened between them: a
 * server lost, the run moved and starting over, a node error, the nodes ComfyUI served from its cache.
 */
import type { RunEvent } from '../../../src-shared/contract'

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/** A sentence for the events the user needs to understand; null for the rest (shown raw). */
export function describeEvent(ev: RunEvent, serverName: (id: string) => string): string | null {
  const d = ev.data
  switch (ev.type) {
    case 'comfyfleet_moved': {
      const from = str(d.from)
      const where = from ? serverName(from) : 'its server'
      const reason = str(d.reason) ?? 'no reason given'
      const tail = d.was_running === true ? '; it was running there and starts over' : ''
      return `Moved off ${where} (${reason})${tail}`
    }
    case 'comfyfleet_retry': {
      const prev = str(d.previous_server)
      const attempt = typeof d.attempt === 'number' ? d.attempt : '?'
      return `Attempt ${attempt}${prev ? `: the last one ended on ${serverName(prev)}` : ''}`
    }
    case 'execution_start':
      return 'ComfyUI started the prompt'
    case 'execution_cached': {
      const nodes = Array.isArray(d.nodes) ? d.nodes.length : 0
      return nodes > 0 ? `${nodes} node${nodes === 1 ? '' : 's'} served from ComfyUI's cache` : null
    }
    case 'execution_error':
      return `Error in ${str(d.node_type) ?? 'a node'}: ${str(d.exception_message) ?? 'no message'}`
    case 'execution_interrupted':
      return 'Interrupted on the server'
    case 'execution_success':
      return 'Finished'
    default:
      return null
  }
}
