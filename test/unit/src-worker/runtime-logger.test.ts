import { describe, expect, it } from 'vitest'
import type { LogLevel } from '../../../src-shared/log/log-level'
import { RuntimeLogger } from '../../../src-worker/runtime-logger'

describe("Temporal's Runtime logger", () => {
  it('maps Temporal levels onto ours and names the SDK component', () => {
    const lines: [LogLevel, string][] = []
    const logger = new RuntimeLogger((level, message) => lines.push([level, message]))
    logger.trace('poll')
    logger.warn('slow activity', { sdkComponent: 'worker', activityId: '7' })
    logger.log('ERROR', 'task failed', { error: new Error('boom') })
    expect(lines).toEqual([
      ['debug', '[temporal] poll'],
      ['warn', '[temporal:worker] slow activity {"activityId":"7"}'],
      ['error', '[temporal] task failed {"error":"boom"}'],
    ])
  })

  it('writes a cyclic metadata object with its cycle marked instead of throwing', () => {
    const lines: string[] = []
    const logger = new RuntimeLogger((_level, message) => lines.push(message))
    const options: Record<string, unknown> = { taskQueue: 'q' }
    options.self = options
    logger.info('Creating worker', { sdkComponent: 'worker', options })
    expect(lines).toEqual(['[temporal:worker] Creating worker {"options":{"taskQueue":"q","self":"[Circular]"}}'])
  })

  it('drops lines below its threshold without formatting their metadata', () => {
    const lines: [LogLevel, string][] = []
    const logger = new RuntimeLogger((level, message) => lines.push([level, message]), 'info')
    // Formatting this would throw: a dropped line must not even be turned into JSON.
    const meta = {
      sdkComponent: 'worker',
      costly: {
        toJSON: (): never => {
          throw new Error('formatted')
        },
      },
    }
    logger.trace('activity started', meta)
    logger.debug('activity completed', meta)
    logger.info('worker state', { sdkComponent: 'worker', state: 'RUNNING' })
    expect(lines).toEqual([['info', '[temporal:worker] worker state {"state":"RUNNING"}']])
  })
})
