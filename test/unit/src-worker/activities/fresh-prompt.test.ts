import { describe, expect, it } from 'vitest'
import { freshPrompt, MissingOutputs } from '../../../../src-worker/activities/fresh-prompt'
import { txt2img } from '../../../integration/engine/prompts'

const ID = '5d7378d2-c95f-4071-9584-36a99e8ecb2a'

describe('a fresh prompt for outputs gone from the server', () => {
  it('renames only the save nodes whose files are gone, with the run’s own suffix, and needs no cache reset', () => {
    const prompt = txt2img()
    const fresh = freshPrompt(prompt, new MissingOutputs([{ nodeId: '9', filename: 'fleet_00001_.png' }]), ID)
    expect(fresh.needsFree).toBe(false)
    expect(fresh.prompt['9']?.inputs.filename_prefix).toBe('fleet_5d7378d2')
    expect(prompt['9']?.inputs.filename_prefix).toBe('fleet')
    expect({ ...fresh.prompt, '9': prompt['9'] }).toEqual(prompt)
  })

  it('a missing output of a node without filename_prefix (a preview) needs the cache reset', () => {
    const prompt = { ...txt2img(), '10': { class_type: 'PreviewImage', inputs: { images: ['8', 0] } } }
    const missing = new MissingOutputs([{ nodeId: '10', filename: 'ComfyUI_temp_abc_00001_.png' }])
    expect(freshPrompt(prompt, missing, ID)).toEqual({ prompt, needsFree: true })
    expect(missing.message).toBe('the server no longer has ComfyUI_temp_abc_00001_.png (node 10)')
  })
})
