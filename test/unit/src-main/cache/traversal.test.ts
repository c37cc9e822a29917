import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Cache } from '../../../../src-main/cache'
import { newRun, pngBytes, storeOutput, withCache } from '../../../helpers/cache-fixtures'

let cache: Cache
let dir: string
let cleanup: () => void
beforeEach(() => {
  ;({ cache, dir, cleanup } = withCache())
})
afterEach(() => cleanup())

function listTree(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((p) => join(root, p))
}

describe('names from servers are never paths', () => {
  it('keeps traversal filenames and subfolders as metadata only', async () => {
    cache.runs.insertRun(newRun('r1'))
    const out = storeOutput(cache, await pngBytes(8, 8, 3), '9', {
      filename: '../../etc/passwd',
      subfolder: '../../../../tmp/evil',
    })
    const done = await cache.finishRun('r1', { status: 'completed', finishedAt: 1, outputs: [out] })
    expect(done.ok).toBe(true)
    expect(cache.runs.getRun('r1')?.outputs[0]).toMatchObject({
      filename: '../../etc/passwd',
      subfolder: '../../../../tmp/evil',
    })
    const files = listTree(dir)
    expect(files.every((f) => f.startsWith(dir))).toBe(true)
    expect(files.some((f) => f.includes('passwd') || f.includes('evil'))).toBe(false)
    expect(cache.findImage(out.hash)?.path).toBe(join(dir, 'images', out.hash.slice(0, 2), `${out.hash}.png`))
  })

  it('rejects hashes and formats that are not of the expected shape', async () => {
    cache.runs.insertRun(newRun('r1'))
    const good = storeOutput(cache, await pngBytes(8, 8, 4))
    for (const bad of [
      { hash: '../../etc/passwd' },
      { hash: `${good.hash.slice(0, 62)}/x` },
      { format: '../png' },
      { format: 'png/../../x' },
    ]) {
      const result = await cache.finishRun('r1', { status: 'completed', finishedAt: 1, outputs: [{ ...good, ...bad }] })
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error.code).toMatch(/^cache\/bad-(hash|format)$/)
    }
    expect(cache.findImage('../../etc/passwd')).toBeNull()
    expect(cache.findThumbnail('../../etc/passwd')).toBeNull()
    expect(cache.runs.getSummary('r1')?.status).toBe('pending')
  })
})
