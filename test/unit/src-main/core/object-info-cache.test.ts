import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { objectInfo } from '../../../../sim'
import type { ObjectInfo } from '../../../../src-shared/contract/intake'
import { ObjectInfoCache } from '../../../../src-main/core/object-info-cache'

test('a server object_info survives a restart (conversion works with the server offline) and is forgotten with it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-oi-'))
  const info = objectInfo({}) as unknown as ObjectInfo
  new ObjectInfoCache(dir).put('../gpu 1', info, 1000)
  const reopened = new ObjectInfoCache(dir)
  expect(reopened.get('../gpu 1')?.KSampler?.display_name).toBe('KSampler')
  reopened.forget('../gpu 1')
  expect(new ObjectInfoCache(dir).get('../gpu 1')).toBeNull()
})

test('a class_type named like an Object.prototype member finds no node, in memory and after a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-oi-'))
  new ObjectInfoCache(dir).put('gpu', objectInfo({}) as unknown as ObjectInfo, 1000)
  for (const info of [
    new ObjectInfoCache(dir).get('gpu')!,
    (() => {
      const c = new ObjectInfoCache(dir)
      c.put('gpu2', objectInfo({}) as unknown as ObjectInfo, 1000)
      return c.get('gpu2')!
    })(),
  ]) {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(info[name]).toBeUndefined()
    expect(info.KSampler?.display_name).toBe('KSampler')
  }
})

test('servers answering the same document share one object, in memory and after a restart; a changed one gets its own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-oi-'))
  const cache = new ObjectInfoCache(dir)
  cache.put('gpu-1', objectInfo({}) as unknown as ObjectInfo, 1000, 'hash-a')
  cache.put('gpu-2', objectInfo({}) as unknown as ObjectInfo, 1000, 'hash-a')
  cache.put('gpu-3', objectInfo({ checkpoints: ['other.safetensors'] }) as unknown as ObjectInfo, 1000, 'hash-b')
  expect(cache.get('gpu-2')).toBe(cache.get('gpu-1'))
  expect(cache.get('gpu-3')).not.toBe(cache.get('gpu-1'))
  const reopened = new ObjectInfoCache(dir)
  expect(reopened.get('gpu-2')).toBe(reopened.get('gpu-1'))
  // gpu-1 installs a model: its new document is its own, and gpu-2 keeps what it answered.
  reopened.put('gpu-1', objectInfo({ checkpoints: ['new.safetensors'] }) as unknown as ObjectInfo, 2000, 'hash-c')
  expect(reopened.get('gpu-1')).not.toBe(reopened.get('gpu-2'))
  expect(reopened.get('gpu-2')?.KSampler?.display_name).toBe('KSampler')
  reopened.forget('gpu-1')
  expect(reopened.get('gpu-1')).toBeNull()
  expect(reopened.get('gpu-2')).not.toBeNull()
})
