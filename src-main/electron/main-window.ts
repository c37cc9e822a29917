import { join } from 'node:path'
import { BrowserWindow, shell } from 'electron'
import { trustWebContents } from './strict-ipc'

/**
 * Only links we produce may leave the app, and only to the system browser: http(s) URLs under one of
 * `allowedBases` (the Temporal UI's own address). Anything else a page tries to open is dropped.
 */
export function isExternalUrlAllowed(url: string, allowedBases: readonly string[]): boolean {
  try {
    const u = new URL(url)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false
    return allowedBases.some((base) => {
      const b = new URL(base)
      const basePath = b.pathname.endsWith('/') ? b.pathname : `${b.pathname}/`
      return u.origin === b.origin && (u.pathname === b.pathname || u.pathname.startsWith(basePath))
    })
  } catch {
    return false
  }
}

/**
 * What the window loads: the dev server's URL only in a development run (electron-vite sets
 * ELECTRON_RENDERER_URL); a packaged app always loads its own files, whatever the environment says,
 * so a variable set by another program cannot point the app's privileged window at any page.
 */
export function rendererSource(
  isPackaged: boolean,
  env: NodeJS.ProcessEnv
): { kind: 'url'; url: string } | { kind: 'file'; path: string } {
  const dev = env.ELECTRON_RENDERER_URL
  if (!isPackaged && dev) return { kind: 'url', url: dev }
  return { kind: 'file', path: join(__dirname, '../renderer/index.html') }
}

export function createMainWindow(allowedExternalBases: () => string[], isPackaged: boolean): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#0f1115',
    title: 'ComfyFleet',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  trustWebContents(win.webContents)
  win.once('ready-to-show', () => win.show())
  // New windows are never opened inside the app; http(s) links go to the browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalUrlAllowed(url, allowedExternalBases())) void shell.openExternal(url)
    return { action: 'deny' }
  })
  // The window never leaves its page: neither by navigation nor by a server redirect.
  const stay = (e: { preventDefault(): void }, url: string): void => {
    if (url !== win.webContents.getURL()) e.preventDefault()
  }
  win.webContents.on('will-navigate', stay)
  win.webContents.on('will-redirect', stay)
  const source = rendererSource(isPackaged, process.env)
  if (source.kind === 'url') void win.loadURL(source.url)
  else void win.loadFile(source.path)
  return win
}
