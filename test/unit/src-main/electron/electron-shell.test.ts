/**
 * The thin Electron layer, with `electron` mocked (its binary cannot run here): what the window
 * allows, who may call IPC, what the preload exposes, and what the image protocol serves.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, test, vi, type Mock } from 'vitest'
import { EVENT_CHANNELS, REQUEST_CHANNELS } from '../../../../src-shared/contract'

const h = vi.hoisted(() => {
  const handlers = new Map<string, (event: { sender: { id: number } }, params: unknown) => Promise<unknown>>()
  const exposed: Record<string, unknown> = {}
  const state = {
    windowOptions: null as null | Record<string, unknown>,
    openHandler: null as null | ((d: { url: string }) => { action: string }),
    protocolHandler: null as null | ((req: { url: string }) => Promise<Response>),
    opened: [] as string[],
    rendererListeners: new Map<string, (...a: unknown[]) => void>(),
  }
  return { handlers, exposed, state }
})

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = {
      id: 7,
      once: vi.fn(),
      on: vi.fn(),
      setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => (h.state.openHandler = fn),
      getURL: () => 'file:///index.html',
    }
    constructor(opts: Record<string, unknown>) {
      h.state.windowOptions = opts
    }
    once = vi.fn()
    loadURL = vi.fn(() => Promise.resolve())
    loadFile = vi.fn(() => Promise.resolve())
  }
  return {
    BrowserWindow,
    shell: { openExternal: (url: string) => h.state.opened.push(url) },
    ipcMain: { handle: (ch: string, fn: never) => h.handlers.set(ch, fn) },
    ipcRenderer: {
      invoke: vi.fn((ch: string, p: unknown) => Promise.resolve({ ch, p })),
      on: (ch: string, fn: (...a: unknown[]) => void) => h.state.rendererListeners.set(ch, fn),
      removeListener: (ch: string) => h.state.rendererListeners.delete(ch),
    },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (h.exposed[key] = api) },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(),
      handle: (_scheme: string, fn: never) => (h.state.protocolHandler = fn),
    },
  }
})

beforeEach(() => {
  h.handlers.clear()
})

describe('main window', () => {
  test('is isolated and sandboxed, opens no windows, and sends only http(s) links to the browser', async () => {
    const { createMainWindow, isExternalUrlAllowed } = await import('../../../../src-main/electron/main-window')
    createMainWindow(() => ['https://temporal.example/ns', 'http://127.0.0.1:8233'], true)
    const prefs = h.state.windowOptions!.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false })
    expect(h.state.openHandler!({ url: 'https://temporal.example/ns/workflows/run-1' })).toEqual({ action: 'deny' })
    expect(h.state.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(h.state.openHandler!({ url: 'https://evil.example/ns' })).toEqual({ action: 'deny' })
    expect(h.state.opened).toEqual(['https://temporal.example/ns/workflows/run-1'])
    const ui = ['http://127.0.0.1:8233']
    expect(isExternalUrlAllowed('javascript:alert(1)', ui)).toBe(false)
    expect(isExternalUrlAllowed('http://127.0.0.1:8233/namespaces/default/workflows/run-1', ui)).toBe(true)
    expect(isExternalUrlAllowed('http://127.0.0.1:9999/namespaces/default', ui)).toBe(false)
  })
})

describe('electron hardening (electron-hardening)', () => {
  test('a packaged app ignores ELECTRON_RENDERER_URL and loads its own files', async () => {
    const { createMainWindow, rendererSource } = await import('../../../../src-main/electron/main-window')
    const env = { ELECTRON_RENDERER_URL: 'http://evil.example/' }
    expect(rendererSource(true, env)).toMatchObject({
      kind: 'file',
      path: expect.stringMatching(/renderer[/\\]index\.html$/) as unknown,
    })
    expect(rendererSource(false, env)).toEqual({ kind: 'url', url: 'http://evil.example/' })
    expect(rendererSource(false, {})).toMatchObject({ kind: 'file' })
    const before = process.env.ELECTRON_RENDERER_URL
    process.env.ELECTRON_RENDERER_URL = 'http://evil.example/'
    try {
      const win = createMainWindow(() => [], true) as unknown as { loadURL: Mock; loadFile: Mock }
      expect(win.loadURL).not.toHaveBeenCalled()
      expect(win.loadFile).toHaveBeenCalledOnce()
    } finally {
      if (before === undefined) delete process.env.ELECTRON_RENDERER_URL
      else process.env.ELECTRON_RENDERER_URL = before
    }
  })

  test('every web permission request and check is denied', async () => {
    const { denyPermissionsByDefault } = await import('../../../../src-main/electron/permissions')
    let request: ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | null = null
    let check: ((wc: unknown, permission: string) => boolean) | null = null
    denyPermissionsByDefault({
      setPermissionRequestHandler: (fn: typeof request) => (request = fn),
      setPermissionCheckHandler: (fn: typeof check) => (check = fn),
    } as never)
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid']) {
      const answer = await new Promise<boolean>((resolve) => request!(null, permission, resolve))
      expect(answer, permission).toBe(false)
      expect(check!(null, permission)).toBe(false)
    }
  })

  test('the built renderer carries its CSP in the file, as a packaged app loads it from file://', async () => {
    const { cspMetaTag, HTTP_CSP, RENDERER_CSP } =
      await import('../../../../src-shared/security/content-security-policy')
    const plugin = cspMetaTag()
    expect(plugin.apply).toBe('build')
    const html = plugin.transformIndexHtml('<!doctype html><html><head><title>x</title></head></html>')
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${RENDERER_CSP}" />`)
    expect(RENDERER_CSP).toContain("script-src 'self'")
    expect(RENDERER_CSP).toContain("object-src 'none'")
    expect(RENDERER_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
    expect(HTTP_CSP).toBe(`${RENDERER_CSP}; frame-ancestors 'none'`)
  })

  test('the builder config flips the hardening fuses, and the worker needs no RunAsNode', () => {
    const yml = readFileSync(join(__dirname, '../../../../electron-builder.yml'), 'utf8')
    const block = /^electronFuses:\n((?: {2}\w+: \w+\n?)+)/m.exec(yml)?.[1] ?? ''
    const fuses: Record<string, string> = Object.fromEntries(
      block
        .trim()
        .split('\n')
        .map((l): [string, string] => {
          const [k = '', v = ''] = l.trim().split(': ')
          return [k, v]
        })
    )
    expect(fuses).toMatchObject({
      runAsNode: 'false',
      enableCookieEncryption: 'true',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
    })
    // With RunAsNode off, child_process.fork cannot start Node code: the desktop entry must fork the
    // worker as a utility process.
    const entry = readFileSync(join(__dirname, '../../../../src-main/index.ts'), 'utf8')
    expect(entry).toMatch(/forker: utilityForker/)
    expect(entry).not.toMatch(/child_process|nodeForker/)
  })
})

describe('IPC', () => {
  test('every contract channel is handled, and only our own window may call', async () => {
    const { registerBridgeHandlers, trustWebContents } = await import('../../../../src-main/electron/strict-ipc')
    const calls: unknown[] = []
    const handlers = Object.fromEntries(
      REQUEST_CHANNELS.map((ch) => [ch, (p: unknown) => (calls.push([ch, p]), Promise.resolve(ch))])
    )
    registerBridgeHandlers(handlers as never)
    expect([...h.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort())
    const ours = { id: 41, once: vi.fn() }
    trustWebContents(ours as never)
    // The handler gets the params only (the IPC event is stripped).
    await expect(h.handlers.get('runs:get')!({ sender: { id: 41 } }, { id: 'run-1' })).resolves.toBe('runs:get')
    expect(calls).toEqual([['runs:get', { id: 'run-1' }]])
    await expect(h.handlers.get('runs:get')!({ sender: { id: 99 } }, { id: 'run-1' })).rejects.toThrow(
      /untrusted sender/
    )
    // Our own window, but a subframe in it (an injected iframe): refused.
    const fromSubframe = { sender: { id: 41 }, senderFrame: { parent: {} } }
    await expect(h.handlers.get('runs:get')!(fromSubframe, { id: 'run-1' })).rejects.toThrow(/subframe/)
    expect(calls).toHaveLength(1)
  })
})

describe('preload', () => {
  test('exposes a transport limited to the contract, with unsubscribes and safe image URLs', async () => {
    await import('../../../../src-main/electron/preload')
    const api = h.exposed.comfyfleet as {
      invoke(ch: string, p: unknown): Promise<unknown>
      on(ch: string, fn: (p: unknown) => void): () => void
      imageUrl(hash: string, kind: string): string
    }
    // Nothing beyond the BridgeTransport reaches the page (an unused extra is surface to no purpose).
    expect(Object.keys(api).sort()).toEqual(['imageUrl', 'invoke', 'on'])
    await expect(api.invoke('runs:list', {})).resolves.toEqual({ ch: 'runs:list', p: {} })
    await expect(api.invoke('shell:exec', {})).rejects.toThrow(/Unknown channel/)
    expect(() => api.on('secrets:leak', () => undefined)).toThrow(/Unknown event/)
    const got: unknown[] = []
    const off = api.on(EVENT_CHANNELS[0], (p) => got.push(p))
    h.state.rendererListeners.get(`event:${EVENT_CHANNELS[0]}`)!({ sender: 'x' }, { v: 1 })
    expect(got).toEqual([{ v: 1 }])
    off()
    expect(h.state.rendererListeners.has(`event:${EVENT_CHANNELS[0]}`)).toBe(false)
    const hash = 'a'.repeat(64)
    expect(api.imageUrl(hash, 'thumb')).toBe(`comfyfleet://thumbs/${hash}`)
    expect(api.imageUrl('../../etc/passwd', 'full')).toBe('')
  })
})

describe('image protocol', () => {
  test('serves cached files by hash only', async () => {
    const { handleImageProtocol } = await import('../../../../src-main/electron/image-protocol')
    const dir = mkdtempSync(join(tmpdir(), 'cf-proto-'))
    const hash = 'b'.repeat(64)
    writeFileSync(join(dir, 'img.png'), 'PNGDATA')
    handleImageProtocol({
      resolve: (hh, kind) =>
        Promise.resolve(hh === hash && kind === 'full' ? { path: join(dir, 'img.png'), mime: 'image/png' } : null),
    })
    const ok = await h.state.protocolHandler!({ url: `comfyfleet://images/${hash}` })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('PNGDATA')
    expect((await h.state.protocolHandler!({ url: `comfyfleet://images/..%2F..%2Fetc%2Fpasswd` })).status).toBe(404)
    expect((await h.state.protocolHandler!({ url: `comfyfleet://other/${hash}` })).status).toBe(404)
  })
})
