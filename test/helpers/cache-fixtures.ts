/** Shared fixtures for the cache tests: a temp data dir, real PNG bytes, and run factories. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import type { NewRun } from '../../src-shared/contract/cache'
import type { OutputRef } from '../../src-shared/contract/runs'
import { openCache, type Cache } from '../../src-main/cache'

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'comfyfleet-cache-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export function withCache(): { cache: Cache; dir: string; cleanup: () => void } {
  const t = tempDir()
  const cache = openCache(t.dir)
  return {
    cache,
    dir: t.dir,
    cleanup: () => {
      cache.close()
      t.cleanup()
    },
  }
}

/** A real PNG of the given size and colour (different colours → different hashes). */
export async function pngBytes(width: number, height: number, red: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: red, g: 40, b: 90 } } })
    .png()
    .toBuffer()
}

export function newRun(id: string, overrides: Partial<NewRun> = {}): NewRun {
  return {
    id,
    workflowId: `wf-${id}`,
    name: `Run ${id}`,
    createdAt: 1_700_000_000_000,
    prompt: { '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } },
    positive: 'a cat on a sofa',
    negative: 'blurry',
    seed: 42,
    models: ['sd_xl_base_1.0.safetensors'],
    ...overrides,
  }
}

/** Put bytes into the cache's blob store the way the worker does, and describe them as an output. */
export function storeOutput(cache: Cache, bytes: Buffer, nodeId = '9', extra: Partial<OutputRef> = {}): OutputRef {
  const hash = cache.images.blobs.put(bytes, 'png')
  return {
    hash,
    nodeId,
    filename: 'ComfyUI_00001_.png',
    subfolder: '',
    type: 'output',
    format: 'png',
    width: null,
    height: null,
    bytes: bytes.byteLength,
    ...extra,
  }
}
