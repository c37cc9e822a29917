/**
 * The run service's intake checks, which run before anything reaches Temporal: a refused file never needs the
 * engine, so these tests have none (RunService.runs returns null and is never reached).
 */
import { describe, expect, it } from 'vitest'
import type { Cache } from '../../../../src-main/cache'
import type { FleetLookup } from '../../../../src-main/runs/fleet-lookup'
import type { RunTracker } from '../../../../src-main/runs/run-tracker'
import { RunService } from '../../../../src-main/runs/run-service'
import type { ObjectInfo } from '../../../../src-shared/contract/intake'
import type { ServerView } from '../../../../src-shared/contract/servers'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { coreObjectInfo, workflowFixture } from '../../../helpers/intake-fixtures'

const api = (): ApiPrompt => workflowFixture('basic-api-example.api.json') as ApiPrompt

function server(id: string, name: string): ServerView {
  return {
    id,
    name,
    address: 'http://127.0.0.1:1',
    enabled: true,
    draining: false,
    slots: 1,
    tags: [],
    createdAt: 0,
    updatedAt: 0,
    health: {
      state: 'online',
      device: null,
      queueRemaining: 0,
      latencyMs: null,
      lastSeenAt: null,
      error: null,
      comfyuiVersion: null,
    },
    slotsInUse: 0,
    currentRunIds: [],
    speed: null,
    hasCapabilities: true,
  }
}

function service(infos: Record<string, { name: string; info: ObjectInfo }>): RunService {
  const fleet: FleetLookup = {
    list: () => Object.entries(infos).map(([id, s]) => server(id, s.name)),
    objectInfo: (id) => infos[id]?.info ?? null,
  }
  return new RunService({
    runs: () => null,
    cache: {} as Cache, // not reached: intake refuses first
    fleet,
    tracker: {} as RunTracker, // not reached either
    defaults: () => ({}),
    temporalUrl: () => null,
  })
}

const text = (value: unknown): string => JSON.stringify(value)

describe('intake errors name servers as the user named them', () => {
  it('unknown node types', async () => {
    const noSampler = coreObjectInfo()
    delete noSampler.KSampler
    const result = await service({ 'f3c1-9a': { name: 'attic 4090', info: noSampler } }).submit({ text: text(api()) })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toContain('(attic 4090 lacks KSampler)')
  })

  it('invalid input values', async () => {
    const prompt = api()
    prompt['3']!.inputs.steps = -5
    const result = await service({ 'f3c1-9a': { name: 'attic 4090', info: coreObjectInfo() } }).submit({
      text: text(prompt),
    })
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.error.message).toMatch(/^attic 4090 rejects this workflow's inputs: node 3 \(KSampler\) steps/)
  })
})

describe('seed sweeps', () => {
  it('refuses a seed range over a workflow without any seed, which would queue identical runs', async () => {
    const noSeed: ApiPrompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
      '2': { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images: ['1', 0] } },
    }
    const result = await service({ a: { name: 'attic 4090', info: coreObjectInfo() } }).submit({
      text: text(noSeed),
      seeds: { from: 1, to: 4 },
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'runs/no-seed' } })
  })
})
