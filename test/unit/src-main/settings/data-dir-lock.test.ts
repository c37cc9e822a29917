import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../../../src-main/settings/data-dir-lock'

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'cf-lock-'))

test('a second holder is refused with the pid of the first; after release the dir is free again', () => {
  const dir = freshDir()
  const first = lockDataDir(dir)
  const refused = (() => {
    try {
      lockDataDir(dir)
      return null
    } catch (e) {
      return e
    }
  })()
  expect(refused).toBeInstanceOf(DataDirInUseError)
  expect((refused as DataDirInUseError).pid).toBe(process.pid)
  expect((refused as Error).message).toContain(`in use by another ComfyFleet (process ${process.pid})`)
  first.release()
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  lockDataDir(dir).release()
})

test('a live process elsewhere holds the dir; once it is gone (kill -9, no cleanup) its lock is stale and taken over', async () => {
  const dir = freshDir()
  // Another process takes the lock the way the app does, then waits to be killed.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `
    const { lockDataDir } = require(${JSON.stringify(join(__dirname, '../../../../src-main/settings/data-dir-lock.ts'))})
    lockDataDir(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000)`,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    }
  )
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
  expect(() => lockDataDir(dir)).toThrow(`process ${child.pid}`)
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
  expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: child.pid })
  const lock = lockDataDir(dir)
  expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid })
  lock.release()
})

test('a lock file naming this very pid, left by an earlier life (a container restart), is stale', () => {
  const dir = freshDir()
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid }))
  const lock = lockDataDir(dir)
  lock.release()
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
})
