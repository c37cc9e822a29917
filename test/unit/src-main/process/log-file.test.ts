import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LogFile } from '../../../../src-main/process/log-file'

let dir = ''
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function newDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'cf-logfile-'))
  return dir
}

describe('LogFile', () => {
  it('rotates a file past its size limit into worker.log.1, keeping no more old files than asked', async () => {
    const path = join(newDir(), 'worker.log')
    const log = new LogFile(path, { maxSize: '1K', keep: 2 })
    const rotated = log.rotated()
    // About 4 KiB in all: several rotations, of which only the newest two files are kept.
    for (let i = 0; i < 60; i++) log.line(`line ${i} ${'x'.repeat(40)}`)
    await rotated
    log.line('after rotation')
    await log.close()
    const files = readdirSync(dir).sort()
    expect(files).toContain('worker.log.1')
    expect(files.every((f) => ['worker.log', 'worker.log.1', 'worker.log.2'].includes(f))).toBe(true)
    expect(readFileSync(`${path}.1`, 'utf8')).toMatch(/ line \d+ x+\n/)
    expect(readFileSync(path, 'utf8')).toContain('after rotation')
    expect(readFileSync(path, 'utf8')).not.toContain('line 0 ')
  })

  it('strips terminal colours and keeps the last lines for error messages', async () => {
    const path = join(newDir(), 'temporal.log')
    const log = new LogFile(path)
    log.line('\u001b[31mERROR\u001b[0m bind: address already in use\n\n')
    for (let i = 1; i <= LogFile.TAIL_LINES; i++) log.line(`later ${i}`)
    await log.close()
    const text = readFileSync(path, 'utf8')
    expect(text).toContain('ERROR bind: address already in use')
    expect(text).not.toContain('\u001b')
    expect(log.lastLines()).toEqual(['later 1', 'later 2', 'later 3', 'later 4', 'later 5'])
  })

  it('drops levelled lines below its threshold and keeps the rest with their level', async () => {
    const path = join(newDir(), 'main.log')
    const log = new LogFile(path, { threshold: 'warn' })
    log.log('debug', 'slot usage 1/2')
    log.log('info', 'server up')
    log.log('warn', 'server slow')
    log.log('error', 'server gone')
    await log.close()
    const text = readFileSync(path, 'utf8')
    expect(text).not.toContain('slot usage')
    expect(text).not.toContain('server up')
    expect(text).toMatch(/Z \[warn\] server slow\n/)
    expect(text).toMatch(/Z \[error\] server gone\n/)
  })
})
