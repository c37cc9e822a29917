import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { executionFailure, validationFailure } from '../../../../src-worker/activities/failures'
import { FAILURE } from '../../../../src-shared/temporal/contract'
import { readStandaloneConfig } from '../../../../src-worker/standalone-config'

describe('failures', () => {
  it('a ComfyUI 400 becomes a non-retryable failure with per-node details', () => {
    const failure = validationFailure(
      {
        error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '' },
        node_errors: {
          '3': {
            class_type: 'KSampler',
            dependent_outputs: ['9'],
            errors: [
              { type: 'value_not_in_list', message: 'Value not in list', details: "sampler_name: 'x' not in [...]" },
            ],
          },
        },
      },
      'gpu-0'
    )
    expect(failure.nonRetryable).toBe(true)
    expect(failure.type).toBe(FAILURE.validation)
    expect(failure.message).toContain("node 3 (KSampler): Value not in list: sampler_name: 'x' not in [...]")
    expect(failure.details?.[0]).toMatchObject({
      kind: 'validation',
      nodeId: '3',
      classType: 'KSampler',
      nodeErrors: { '3': { classType: 'KSampler', messages: ["Value not in list: sampler_name: 'x' not in [...]"] } },
    })
  })

  it('an execution error names node, exception type and message; OOM carries where it happened', () => {
    const data = {
      prompt_id: 'p',
      node_id: '8',
      node_type: 'VAEDecode',
      executed: [],
      exception_message: 'CUDA out of memory\n',
      exception_type: 'torch.OutOfMemoryError',
      traceback: [],
    }
    const plain = executionFailure(data, 'gpu-0')
    expect(plain.message).toBe('Node 8 (VAEDecode) failed on gpu-0: torch.OutOfMemoryError: CUDA out of memory')
    expect(plain.type).toBe(FAILURE.execution)
    const oom = executionFailure(data, 'gpu-0', { serverId: 's0', vramFree: 5 })
    expect(oom.type).toBe(FAILURE.oomRetry)
    expect(oom.details?.[1]).toEqual({ serverId: 's0', vramFree: 5 })
  })
})

describe('standalone worker config', () => {
  const write = (value: unknown): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'worker-config-')), 'worker.json')
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
    return path
  }

  it('fills defaults and resolves paths from the file', () => {
    const path = write({
      temporal: { address: 'h:7233' },
      servers: [{ address: 'http://10.0.0.2:8188' }],
      dataDir: 'data',
    })
    const config = readStandaloneConfig(path)
    expect(config.temporal).toEqual({ address: 'h:7233', namespace: 'default', tls: null, apiKey: null })
    expect(config.taskQueue).toBe('comfyfleet')
    expect(config.dataDir).toBe(join(path, '..', 'data'))
    expect(config.ownsWholeFarm).toBe(false)
    expect(config.servers[0]?.address).toBe('http://10.0.0.2:8188')
  })

  it('names the field that is wrong', () => {
    expect(() => readStandaloneConfig(write('{nope'))).toThrow(/worker config [^\n]*: is not JSON/)
    expect(() => readStandaloneConfig(write({ servers: [] }))).toThrow(/temporal: /)
    expect(() => readStandaloneConfig(write({ temporal: { address: 'h:1' }, servers: [] }))).toThrow(/servers/)
    expect(() =>
      readStandaloneConfig(write({ temporal: { address: 'h:1' }, servers: [{ address: 'ftp://x' }] }))
    ).toThrow(/servers\[0\]\.address/)
    expect(() =>
      readStandaloneConfig(write({ temporal: { address: 'h:1' }, servers: [{ address: 'http://x', slots: 0 }] }))
    ).toThrow(/servers\[0\]\.slots/)
  })
})
