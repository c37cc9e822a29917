/**
 * The sandboxed preload: exposes `window.comfyfleet`, a BridgeTransport limited to the contract's
 * channels. No raw ipcRenderer reaches the page; every subscription returns its unsubscribe.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { BridgeTransport, EventChannel, EventMap } from '../../src-shared/contract'
import { EVENT_CHANNELS, REQUEST_CHANNELS } from '../../src-shared/contract'

const requests: ReadonlySet<string> = new Set(REQUEST_CHANNELS)
const events: ReadonlySet<string> = new Set(EVENT_CHANNELS)
const HASH_RE = /^[0-9a-f]{64}$/

const transport: BridgeTransport = {
  invoke(channel, params) {
    if (!requests.has(channel)) return Promise.reject(new Error(`Unknown channel ${String(channel)}`))
    return ipcRenderer.invoke(channel, params) as never
  },
  on<K extends EventChannel>(channel: K, listener: (payload: EventMap[K]) => void) {
    if (!events.has(channel)) throw new Error(`Unknown event ${channel}`)
    // Strip the IPC event: it carries `sender`, which the page must not get.
    const wrapped = (_e: unknown, payload: EventMap[K]): void => listener(payload)
    ipcRenderer.on(`event:${channel}`, wrapped)
    return () => {
      ipcRenderer.removeListener(`event:${channel}`, wrapped)
    }
  },
  imageUrl(hash, kind) {
    if (!HASH_RE.test(hash)) return ''
    return `comfyfleet://${kind === 'thumb' ? 'thumbs' : 'images'}/${hash}`
  },
}

contextBridge.exposeInMainWorld('comfyfleet', transport)
