import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { openCache } from '../../../../src-main/cache'

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'cf-dbcheck-'))

function withImage(dir: string): void {
  mkdirSync(join(dir, 'images', 'ab'), { recursive: true })
  writeFileSync(join(dir, 'images', 'ab', 'abcdef.png'), 'png bytes')
}

test('a fresh data dir opens quietly', () => {
  const cache = openCache(freshDir())
  expect(cache.startupNotice).toBeNull()
  cache.close()
})

test('a 0-byte database is set aside and reported, not silently replaced; the images stay (truncated-db-silent-reset)', () => {
  const dir = freshDir()
  openCache(dir).close()
  withImage(dir)
  truncateSync(join(dir, 'comfyfleet.db'), 0)
  const cache = openCache(dir)
  expect(cache.startupNotice).toMatch(/comfyfleet\.db was empty \(0 bytes\).*kept as .*comfyfleet\.db\.empty-\d+/)
  expect(cache.startupNotice).toContain('The 1 cached image file(s) in images/ are kept')
  const aside = readdirSync(dir).find((f) => /^comfyfleet\.db\.empty-\d+$/.test(f))!
  expect(statSync(join(dir, aside)).size).toBe(0)
  expect(existsSync(join(dir, 'images', 'ab', 'abcdef.png'))).toBe(true)
  cache.close()
  // The new database is a real one: the next start is quiet again.
  const again = openCache(dir)
  expect(again.startupNotice).toBeNull()
  again.close()
})

test('a missing database beside cached images is reported', () => {
  const dir = freshDir()
  withImage(dir)
  const cache = openCache(dir)
  expect(cache.startupNotice).toMatch(/comfyfleet\.db is missing.*1 cached image file/)
  cache.close()
})
