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

export function createMainWindow(allowedExternalBases: () => string[]): BrowserWindow {
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
  win.webContents.on('will-navigate', (e, url) => {
    if (url !== win.webContents.getURL()) e.preventDefault()
  })
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(join(__dirname, '../renderer/index.html'))
  return win
}
