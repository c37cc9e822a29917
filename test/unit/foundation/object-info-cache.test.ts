import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { objectInfo } from '../../../sim'
import type { ObjectInfo } from '../../../src-shared/contract/intake'
import { ObjectInfoCache } from '../../../src-main/core/object-info-cache'

test('a server object_info survives a restart (conversion works with the server offline) and is forgotten with it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-oi-'))
  const info = objectInfo({}) as unknown as ObjectInfo
  new ObjectInfoCache(dir).put('../gpu 1', info, 1000)
  const reopened = new ObjectInfoCache(dir)
  expect(reopened.get('../gpu 1')?.KSampler?.display_name).toBe('KSampler')
  reopened.forget('../gpu 1')
  expect(new ObjectInfoCache(dir).get('../gpu 1')).toBeNull()
})
