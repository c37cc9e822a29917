/**
 * The Electron shell: single instance, one secure window, the typed IPC bridge, and the same
 * AppCore that headless mode runs. Everything below this file is tested without Electron.
 */
import { join } from 'node:path'
import type { BrowserWindow } from 'electron'
import { app, dialog, Notification, session, shell } from 'electron'
import { AppCore } from './core/app-core'
import { createMainWindow, isExternalUrlAllowed } from './electron/main-window'
import { denyPermissionsByDefault } from './electron/permissions'
import { handleImageProtocol, registerImageScheme } from './electron/image-protocol'
import { registerBridgeHandlers, sendEvent } from './electron/strict-ipc'
import { utilityForker } from './electron/utility-forker'
import { EVENT_CHANNELS, err, ok, type EventMap } from '../src-shared/contract'

registerImageScheme()

if (!app.requestSingleInstanceLock()) {
  // Another ComfyFleet owns the data dir and the embedded Temporal server: focus it instead.
  app.quit()
} else {
  let win: BrowserWindow | null = null
  let core: AppCore | null = null
  /** The Temporal UI is the one site the app links to. */
  const temporalUi = (): string[] => {
    const url = core?.info().temporal.uiUrl
    return url ? [url] : []
  }

  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore()
    win?.focus()
  })

  app
    .whenReady()
    .then(async () => {
      const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources')
      core = new AppCore({
        mode: 'electron',
        dataDir: process.env.COMFYFLEET_DATA_DIR ?? app.getPath('userData'),
        projectRoot: app.getAppPath(),
        resourcesPath: app.isPackaged ? process.resourcesPath : null,
        workerEntry: join(__dirname, 'worker.js'),
        workflowBundlePath: join(resources, 'workflow-bundle.js'),
        forker: utilityForker,
        staticDir: join(__dirname, '../renderer'),
        version: app.getVersion(),
        openExternal: async (url) => {
          if (!isExternalUrlAllowed(url, temporalUi()))
            return err('app/link-refused', `Only Temporal UI links open from ComfyFleet, not ${url}`)
          await shell.openExternal(url)
          return ok(null)
        },
      })
      registerBridgeHandlers(core.handlers)
      handleImageProtocol(core.images)
      denyPermissionsByDefault(session.defaultSession)
      win = createMainWindow(temporalUi, app.isPackaged)
      const target = win
      core.hub.subscribe((channel, payload) => {
        if ((EVENT_CHANNELS as readonly string[]).includes(channel)) sendEvent(target.webContents, channel, payload)
      })
      // Tell the user when work ends while they are elsewhere; a batch's runs are summed up once.
      const notify = (title: string, body: string): void => {
        if (Notification.isSupported() && !target.isFocused()) new Notification({ title, body }).show()
      }
      core.onRunFinished((summary) => {
        if (!summary.batchId) notify(`Run ${summary.status}`, summary.name)
      })
      core.hub.subscribe((channel, payload) => {
        if (channel !== 'batches:changed') return
        const b = payload as EventMap['batches:changed']
        if (b.status === 'completed' || b.status === 'failed' || b.status === 'cancelled') {
          notify(`Batch ${b.status}`, `${b.name}: ${b.completed}/${b.total} done, ${b.failed} failed`)
        }
      })
      await core.start()
    })
    .catch((e: unknown) => {
      dialog.showErrorBox('ComfyFleet could not start', (e as Error).message ?? String(e))
      app.exit(1)
    })

  app.on('window-all-closed', () => app.quit())
  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting || !core) return
    // Stop the worker and the embedded Temporal server before exiting, so neither is orphaned.
    event.preventDefault()
    quitting = true
    void core.stop().finally(() => app.quit())
  })
}
