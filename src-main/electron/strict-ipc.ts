/**
 * The only module that touches Electron's raw ipcMain (lint forbids it elsewhere). Handlers are
 * registered per request channel of the shared contract; the wrapper drops the event object (so
 * a handler cannot mistake it for its params) after checking that the sender is our own window.
 */
import { ipcMain, type WebContents } from 'electron'
import type { EventChannel, EventMap } from '../../src-shared/contract'
import { REQUEST_CHANNELS } from '../../src-shared/contract'
import type { BridgeHandlers } from '../core/bridge-handlers'

const trusted = new Set<number>()

/** Mark a window's webContents as ours; IPC from anything else is refused (Electron security #17). */
export function trustWebContents(wc: WebContents): void {
  trusted.add(wc.id)
  wc.once('destroyed', () => trusted.delete(wc.id))
}

export function registerBridgeHandlers(handlers: BridgeHandlers): void {
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event, params: unknown) => {
      if (!trusted.has(event.sender.id)) throw new Error(`IPC ${channel} from an untrusted sender was refused`)
      // Our page has no frames; a subframe (an injected iframe) speaking for it is refused.
      if (event.senderFrame && event.senderFrame.parent !== null)
        throw new Error(`IPC ${channel} from a subframe was refused`)
      const handler = handlers[channel] as (p: unknown) => Promise<unknown>
      return handler(params)
    })
  }
}

/** Typed push to a window; skipped when the window is gone. */
export function sendEvent<K extends EventChannel>(wc: WebContents, channel: K, payload: EventMap[K]): void {
  if (!wc.isDestroyed()) wc.send(`event:${channel}`, payload)
}
