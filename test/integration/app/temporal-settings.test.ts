/**
 * Saved Temporal settings cannot be swapped under a running worker, tracker and API: the app says a
 * restart is needed (AppInfo.temporal.restartNeeded, shown in Settings) instead of silently ignoring them.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { AppCore } from '../../../src-main/core/app-core'
import { nodeForker } from '../../../src-main/worker-host/worker-child'
import { ROOT } from '../../helpers/app'

test('changing the saved Temporal settings says a restart is needed; other settings do not', async () => {
  const core = new AppCore({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'cf-settings-')),
    projectRoot: ROOT,
    resourcesPath: null,
    workerEntry: join(ROOT, 'out/main/worker.js'),
    workflowBundlePath: null,
    forker: nodeForker,
    staticDir: null,
    version: 'test',
    log: () => undefined,
  })
  try {
    expect(core.info().temporal.restartNeeded).toBe(false)
    const previews = await core.handlers['settings:update']({ previews: false })
    expect(previews.ok).toBe(true)
    expect(core.info().temporal.restartNeeded).toBe(false)
    const remote = await core.handlers['settings:update']({
      temporal: { mode: 'remote', address: 'temporal.example.com:7233' },
    })
    expect(remote.ok).toBe(true)
    expect(core.info().temporal.restartNeeded).toBe(true)
  } finally {
    core.cache.close()
  }
})
