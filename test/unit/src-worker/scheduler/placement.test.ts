import { describe, expect, it } from 'vitest'
import type { WorkerServer } from '../../../../src-shared/contract/worker-protocol'
import {
  capabilitiesFromObjectInfo,
  capabilityProblems,
  fits,
  modelsUsed,
} from '../../../../src-shared/comfy/capabilities'
import {
  chooseServer,
  impossibleReason,
  promptCost,
  runnableNow,
  type PlacementRequest,
  type ServerLoad,
} from '../../../../src-worker/scheduler/placement'
import { objectInfo } from '../../../../sim'
import { txt2img } from '../../../integration/engine/prompts'

const caps = capabilitiesFromObjectInfo(objectInfo())

function server(id: string, extra: Partial<WorkerServer> = {}): WorkerServer {
  return {
    id,
    name: id,
    address: `http://${id}`,
    slots: 2,
    accepting: true,
    online: true,
    capabilities: caps,
    vramFree: 10,
    vramTotal: 24,
    gpu: null,
    ...extra,
  }
}

function load(s: WorkerServer, extra: Partial<ServerLoad> = {}): ServerLoad {
  return { server: s, usable: true, remainingCost: 0, inUse: 0, rate: null, loadedModels: new Set(), ...extra }
}

function request(extra: Partial<PlacementRequest> = {}): PlacementRequest {
  const prompt = txt2img({ steps: 10 })
  return { runId: 'r', prompt, cost: promptCost(prompt), models: modelsUsed(prompt), ...extra }
}

describe('capabilities', () => {
  it('reads node classes and combo options from /object_info, and finds what a prompt lacks', () => {
    expect(caps.nodeClasses).toContain('KSampler')
    expect(caps.enums['CheckpointLoaderSimple.ckpt_name']).toContain('v1-5-pruned-emaonly-fp16.safetensors')
    expect(capabilityProblems(txt2img(), caps)).toEqual([])
    const prompt = txt2img({ ckpt: 'nope.safetensors' })
    prompt['99'] = { class_type: 'NoSuchNode', inputs: {} }
    expect(capabilityProblems(prompt, caps)).toEqual([
      { nodeId: '4', classType: 'CheckpointLoaderSimple', message: "ckpt_name: 'nope.safetensors' is not available" },
      { nodeId: '99', classType: 'NoSuchNode', message: 'node type NoSuchNode is not installed' },
    ])
  })

  it('remembers whether a prompt fits per capabilities object, so a refreshed list is asked anew', () => {
    const prompt = txt2img({ ckpt: 'new-model.safetensors' })
    expect(fits(prompt, caps)).toBe(false)
    expect(fits(prompt, caps)).toBe(false)
    const ckpts = caps.enums['CheckpointLoaderSimple.ckpt_name'] ?? []
    const refreshed = {
      ...caps,
      enums: { ...caps.enums, 'CheckpointLoaderSimple.ckpt_name': [...ckpts, 'new-model.safetensors'] },
    }
    expect(fits(prompt, refreshed)).toBe(true)
    expect(fits(txt2img(), caps)).toBe(true)
  })

  it('lists the model files a prompt uses', () => {
    expect(modelsUsed(txt2img())).toEqual(['v1-5-pruned-emaonly-fp16.safetensors'])
  })
})

describe('placement', () => {
  it('prefers the server expected to finish first: measured rate and the work already there', () => {
    const fast = load(server('fast'), { rate: 2 })
    const slow = load(server('slow'), { rate: 0.5 })
    expect(chooseServer(request(), [slow, fast])?.server.id).toBe('fast')
    const busyFast = load(server('fast'), { rate: 2, remainingCost: 200, inUse: 1 })
    expect(chooseServer(request(), [slow, busyFast])?.server.id).toBe('slow')
  })

  it('never picks a full, unusable, excluded, incapable or too-small server', () => {
    const full = load(server('full'), { inUse: 2 })
    const down = load(server('down'), { usable: false })
    const excluded = load(server('x'))
    const incapable = load(server('inc', { capabilities: { nodeClasses: [], enums: {}, fetchedAt: 0 } }))
    const small = load(server('small', { vramFree: 5 }))
    const all = [full, down, excluded, incapable, small]
    expect(chooseServer(request({ excludeServers: ['x'], minVramFree: 8 }), all)).toBeNull()
    expect(chooseServer(request({ excludeServers: ['x'] }), all)?.server.id).toBe('small')
    expect(chooseServer(request({ servers: ['x'] }), all)?.server.id).toBe('x')
  })

  it('says a run is runnable now only with a healthy, allowed, capable server, busy or not', () => {
    const full = load(server('full'), { inUse: 2 })
    expect(runnableNow(request(), [full])).toBe(true)
    expect(runnableNow(request(), [load(server('down'), { usable: false })])).toBe(false)
    expect(runnableNow(request({ excludeServers: ['a'] }), [load(server('a'))])).toBe(false)
    const noModel = request({ prompt: txt2img({ ckpt: 'absent.safetensors' }) })
    expect(runnableNow(noModel, [load(server('a'))])).toBe(false)
    expect(runnableNow(request(), [])).toBe(false)
  })

  it('prefers a server with the model already loaded when otherwise equal', () => {
    const cold = load(server('cold'), { rate: 1 })
    const warm = load(server('warm'), { rate: 1, loadedModels: new Set(['v1-5-pruned-emaonly-fp16.safetensors']) })
    expect(chooseServer(request(), [cold, warm])?.server.id).toBe('warm')
  })

  it('knows when no server could ever run a prompt, and names the node', () => {
    const prompt = txt2img({ ckpt: 'missing.safetensors' })
    const problems = impossibleReason(request({ prompt }), [server('a'), server('b')])
    expect(problems?.[0]).toMatchObject({ nodeId: '4', classType: 'CheckpointLoaderSimple' })
    expect(impossibleReason(request(), [server('a')])).toBeNull()
    // A server whose capabilities are not known yet might run it.
    expect(impossibleReason(request({ prompt }), [server('a', { capabilities: null })])).toBeNull()
    expect(impossibleReason(request({ servers: ['zzz'] }), [server('a')])?.[0]?.message).toContain('constraints')
  })

  it('weighs sampler steps in the cost of a prompt', () => {
    expect(promptCost(txt2img({ steps: 30 }))).toBeGreaterThan(promptCost(txt2img({ steps: 5 })))
  })
})
