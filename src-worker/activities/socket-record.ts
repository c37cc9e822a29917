/**
 * What a prompt's WebSocket said about how it ended, kept so the end is not lost when history is: a
 * server that sent execution_success but whose history entry never appears (written late, cleared by
 * another user, lost in a restart right after) still has a result — the `executed` outputs — and must
 * not run the prompt again.
 */
import type { HistoryEntry, NodeOutput, WsMessage } from '../../src-shared/comfy/types'

type Ending = 'execution_success' | 'execution_error' | 'execution_interrupted'
/** How a result entry came from the socket, marked in its `meta` (history's own entries carry neither). */
const ORIGIN_KEY = { rebuilt: 'comfyfleet_rebuilt_from_websocket', whole: 'comfyfleet_whole_from_websocket' } as const
export type SocketOrigin = keyof typeof ORIGIN_KEY

const RECORDED = new Set(['execution_start', 'execution_cached', 'execution_success', 'execution_error'])
/** Frames of another prompt id kept until an old server tells us our prompt's id (see follow()). */
const MAX_FOREIGN = 500

/** 'rebuilt' (history never came), 'whole' (history not asked: the socket saw it all), or null (history's). */
export function socketOrigin(entry: HistoryEntry): SocketOrigin | null {
  if (entry.meta?.[ORIGIN_KEY.rebuilt] === true) return 'rebuilt'
  return entry.meta?.[ORIGIN_KEY.whole] === true ? 'whole' : null
}

export class SocketRecord {
  private readonly outputs: Record<string, NodeOutput> = {}
  private readonly messages: [string, Record<string, unknown>][] = []
  private ending: Ending | null = null
  private sawStart = false
  private foreign: WsMessage[] = []

  /** A frame of our prompt. */
  note(message: WsMessage): void {
    if (message.type === 'execution_start') this.sawStart = true
    if (message.type === 'executed' && message.data.output !== null) {
      this.outputs[message.data.node] = message.data.output
    }
    if (RECORDED.has(message.type) || message.type === 'execution_interrupted') {
      this.messages.push([message.type, message.data as unknown as Record<string, unknown>])
    }
    if (message.type === 'execution_success' || message.type === 'execution_error') this.ending = message.type
    if (message.type === 'execution_interrupted') this.ending = message.type
  }

  keepForeign(message: WsMessage): void {
    if (this.foreign.length < MAX_FOREIGN) this.foreign.push(message)
  }

  /** The kept frames of `promptId`, once; the rest are dropped. */
  takeForeign(promptId: string): WsMessage[] {
    const mine = this.foreign.filter((m) => (m.data as { prompt_id?: string }).prompt_id === promptId)
    this.foreign = []
    return mine
  }

  /** A history entry rebuilt from the socket, or null when the socket did not see the prompt end. */
  entry(promptId: string): HistoryEntry | null {
    return this.ending === null ? null : this.rebuilt(promptId, 'rebuilt')
  }

  /**
   * The entry of a prompt that succeeded and whose every frame, from execution_start on, reached this record
   * (the caller knows the socket never dropped); null otherwise. It holds what history would: the server sends
   * `executed` for each output node, cached ones included (protocol §7.4 B).
   */
  whole(promptId: string): HistoryEntry | null {
    if (!this.sawStart || this.ending !== 'execution_success') return null
    return this.rebuilt(promptId, 'whole')
  }

  private rebuilt(promptId: string, origin: SocketOrigin): HistoryEntry {
    const success = this.ending === 'execution_success'
    return {
      prompt: [0, promptId, {}, {}, Object.keys(this.outputs)],
      outputs: { ...this.outputs },
      status: { status_str: success ? 'success' : 'error', completed: success, messages: [...this.messages] },
      meta: { [ORIGIN_KEY[origin]]: true },
    }
  }
}
