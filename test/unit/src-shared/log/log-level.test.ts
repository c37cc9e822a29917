import { describe, expect, it } from 'vitest'
import { logThreshold, passes, stripAnsi, withThreshold, type LogLevel } from '../../../../src-shared/log/log-level'

describe('log levels', () => {
  it('reads the threshold from COMFYFLEET_LOG_LEVEL, info when unset', () => {
    expect(logThreshold(undefined)).toBe('info')
    expect(logThreshold('')).toBe('info')
    expect(logThreshold(' DEBUG ')).toBe('debug')
    expect(() => logThreshold('verbose')).toThrow(
      /COMFYFLEET_LOG_LEVEL must be one of error, warn, info, debug, not "verbose"/
    )
  })

  it('keeps a level at or above the threshold', () => {
    expect(passes('error', 'error')).toBe(true)
    expect(passes('warn', 'error')).toBe(false)
    expect(passes('info', 'info')).toBe(true)
    expect(passes('debug', 'info')).toBe(false)
    expect(passes('debug', 'debug')).toBe(true)
  })

  it('filters a log function', () => {
    const seen: LogLevel[] = []
    const log = withThreshold((level) => seen.push(level), 'warn')
    for (const level of ['debug', 'info', 'warn', 'error'] as const) log(level, 'x')
    expect(seen).toEqual(['warn', 'error'])
  })

  it('strips colour and OSC sequences', () => {
    expect(stripAnsi('\u001b[1;32mok\u001b[0m \u001b]0;title\u0007done')).toBe('ok done')
  })
})
