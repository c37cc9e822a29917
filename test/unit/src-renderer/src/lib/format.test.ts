import { describe, expect, test } from 'vitest'
import {
  estimateRemaining,
  formatAgo,
  formatBytes,
  formatDuration,
  splitGpuName,
  windowTitle,
} from '../../../../../src-renderer/src/lib/format'
import { toFieldErrors } from '../../../../../src-renderer/src/lib/field-errors'
import { getPath, setPath } from '../../../../../src-renderer/src/lib/deep-set'

describe('format', () => {
  test('durations at each scale', () => {
    expect(formatDuration(850)).toBe('850ms')
    expect(formatDuration(12_340)).toBe('12.3s')
    expect(formatDuration(245_000)).toBe('4m 05s')
    expect(formatDuration(3_720_000)).toBe('1h 02m')
    expect(formatDuration(-1)).toBe('—')
  })

  test('ETA only once progress means something', () => {
    expect(estimateRemaining(10_000, 0.01)).toBeNull()
    expect(estimateRemaining(10_000, 0.5)).toBe(10_000)
    expect(estimateRemaining(10_000, 1)).toBeNull()
  })

  test('GPU names as ComfyUI reports them', () => {
    expect(splitGpuName('cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync')).toEqual({
      model: 'NVIDIA GeForce RTX 4090',
      detail: 'cuda:0 · cudaMallocAsync',
    })
    expect(splitGpuName('cuda:0 NVIDIA GeForce RTX 2080 Ti')).toEqual({
      model: 'NVIDIA GeForce RTX 2080 Ti',
      detail: 'cuda:0',
    })
    expect(splitGpuName('mps')).toEqual({ model: 'mps', detail: '' })
  })

  test('bytes, ago and title', () => {
    expect(formatBytes(24 * 1024 ** 3)).toBe('24.0 GiB')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatAgo(0, 10_000)).toBe('just now')
    expect(formatAgo(0, 5 * 60_000)).toBe('5m ago')
    expect(windowTitle(0, 0)).toBe('ComfyFleet')
    expect(windowTitle(2, 3)).toBe('▶2 ⏸3 · ComfyFleet')
  })
})

describe('toFieldErrors', () => {
  test('places each schema issue on its dotted field path', () => {
    const e = toFieldErrors({
      code: 'settings/invalid',
      message: 'defaultSlots must be an integer from 1 to 8; temporal.tls.keyPath must name the client key file',
      details: {
        issues: [
          { path: 'defaultSlots', message: 'must be an integer from 1 to 8' },
          { path: 'temporal.tls.keyPath', message: 'must name the client key file' },
        ],
      },
    })
    expect(e.fields).toEqual({
      defaultSlots: 'must be an integer from 1 to 8',
      'temporal.tls.keyPath': 'must name the client key file',
    })
    expect(e.general).toBeNull()
  })

  test('an issue about the whole value, and an error with no issues, are general', () => {
    expect(
      toFieldErrors({ code: 'x', message: 'bad', details: { issues: [{ path: '', message: 'must be an object' }] } })
    ).toEqual({ fields: {}, general: 'must be an object' })
    expect(toFieldErrors({ code: 'x', message: 'Disk full' })).toEqual({ fields: {}, general: 'Disk full' })
  })
})

describe('deep-set', () => {
  test('setPath copies along the path and leaves the original alone', () => {
    const a = { temporal: { tls: null as null | { certPath: string }, namespace: 'default' }, previews: true }
    const b = setPath(a, 'temporal.namespace', 'prod')
    expect(b.temporal.namespace).toBe('prod')
    expect(a.temporal.namespace).toBe('default')
    expect(b.previews).toBe(true)
    expect(getPath(setPath(a, 'temporal.tls.certPath', '/c.pem'), 'temporal.tls.certPath')).toBe('/c.pem')
    expect(getPath(a, 'temporal.tls.certPath')).toBeUndefined()
  })
})
