import { describe, expect, it } from 'vitest'
import { checkInputValues, inputProblems } from '../../../../src-main/intake'
import type { ObjectInfo } from '../../../../src-shared/contract/intake'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { txt2img } from '../../../../sim/samples/txt2img'
import { coreObjectInfo, expectErr, expectOk } from '../../../helpers/intake-fixtures'

/** The simulator's sample graph, with a checkpoint the core object_info fixture lists. */
const api = (): ApiPrompt => txt2img({ ckpt: 'v1-5-pruned-emaonly.safetensors' })

/** The core object_info with a different checkpoint list, as another server would have it. */
function withCheckpoints(names: string[]): ObjectInfo {
  const info = coreObjectInfo()
  info.CheckpointLoaderSimple!.input.required = { ckpt_name: [names] }
  return info
}

describe('input values against /object_info', () => {
  it('accepts a complete, valid prompt', () => {
    expect(inputProblems(api(), coreObjectInfo())).toEqual([])
  })

  it('keeps only the servers that accept every value, e.g. the ones that have the checkpoint', () => {
    const servers = { a: withCheckpoints(['other.safetensors']), b: coreObjectInfo() }
    expect(expectOk(checkInputValues(api(), servers))).toEqual(['b'])
  })

  it('servers sharing one /object_info object are each accepted or refused alike, from one check', () => {
    const shared = coreObjectInfo()
    const servers = { a: shared, b: withCheckpoints(['other.safetensors']), c: shared }
    expect(expectOk(checkInputValues(api(), servers))).toEqual(['a', 'c'])
    const prompt = api()
    prompt['3']!.inputs.steps = 'ten'
    const e = expectErr(checkInputValues(prompt, { a: shared, c: shared }))
    expect(e.details).toEqual({
      server: 'a',
      problems: [{ nodeId: '3', classType: 'KSampler', input: 'steps', message: '"ten" is not a whole number' }],
    })
  })

  it('when no server accepts it, names the closest one and its problems, node by node', () => {
    const prompt = api()
    prompt['3']!.inputs.steps = 'ten'
    const servers = { a: withCheckpoints(['other.safetensors']), b: coreObjectInfo() }
    const e = expectErr(checkInputValues(prompt, servers, { a: 'gpu-a', b: 'gpu-b' }))
    expect(e.code).toBe('intake/invalid-inputs')
    expect(e.message).toBe(
      `No server accepts (closest: gpu-b) this workflow's inputs: node 3 (KSampler) steps: "ten" is not a whole number.`
    )
    expect(e.details).toEqual({
      server: 'b',
      problems: [{ nodeId: '3', classType: 'KSampler', input: 'steps', message: '"ten" is not a whole number' }],
    })
  })

  it('lists at most eight problems and counts the rest', () => {
    const prompt = api()
    // Nine of KSampler's ten inputs missing: nine problems.
    for (const input of Object.keys(prompt['3']!.inputs).filter((name) => name !== 'latent_image'))
      delete prompt['3']!.inputs[input]
    const e = expectErr(checkInputValues(prompt, { only: coreObjectInfo() }))
    expect(e.message).toMatch(
      /^only rejects this workflow's inputs: node 3 \(KSampler\) model: required input is missing;/
    )
    expect(e.message).toMatch(/; and 1 more\.$/)
  })

  it('ignores inputs a node does not declare, and optional inputs left out', () => {
    const prompt = api()
    prompt['3']!.inputs.not_an_input = 'whatever'
    const info = coreObjectInfo()
    info.KSampler!.input.optional = { extra: ['INT', { min: 0 }] }
    expect(inputProblems(prompt, info)).toEqual([])
    prompt['3']!.inputs.extra = -1
    expect(inputProblems(prompt, info)).toEqual([
      { nodeId: '3', classType: 'KSampler', input: 'extra', message: '-1 is smaller than the minimum 0' },
    ])
  })

  it('accepts V3 combos and multiselect lists when every value is an option', () => {
    const info = coreObjectInfo()
    info.KSampler!.input.required!.sampler_name = ['COMBO', { options: ['euler', 'dpm'], multiselect: true }]
    const prompt = api()
    prompt['3']!.inputs.sampler_name = { __value__: ['euler', 'dpm'] }
    expect(inputProblems(prompt, info)).toEqual([])
    prompt['3']!.inputs.sampler_name = { __value__: ['euler', 'heun'] }
    expect(inputProblems(prompt, info)[0]?.message).toMatch(
      /^'heun' is not one of the options \(2 available: 'euler', 'dpm'\)$/
    )
    prompt['3']!.inputs.sampler_name = 'dpm'
    expect(inputProblems(prompt, info)).toEqual([])
  })

  it('an empty server map (nothing known yet) accepts, leaving the check to the server', () => {
    expect(expectOk(checkInputValues(api(), {}))).toEqual([])
  })
})
