import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { objectInfo } from '../../../../sim/catalog/object-info'
import { widgetLayout } from '../../../../src-main/intake'
import { mapWidgetValues } from '../../../../src-main/intake/widget-values'
import type { ObjectInfo, ObjectInfoNode } from '../../../../src-shared/contract/intake'

const info = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'object-info', 'frontend-widget-nodes.json'), 'utf8')
) as ObjectInfo

/** The simulator's copy of ComfyUI 0.3.64's core classes, for the recorded core nodes (LoadImage, KSampler, …). */
const core = JSON.parse(JSON.stringify(objectInfo())) as ObjectInfo

const definition = (classType: string): ObjectInfoNode => (info[classType] ?? core[classType])!

const names = (classType: string): Array<string | null> => widgetLayout(definition(classType)).map((s) => s.name)

describe('widgets the frontend adds that /object_info does not list', () => {
  it('Load3D: three buttons and the viewer widget sit between model_file and width', () => {
    expect(names('Load3D')).toEqual(['model_file', null, null, null, 'image', 'width', 'height'])
    const stored = ['toy.glb', 'upload3dmodel', 'uploadExtraResources', 'clear', '', 800, 600]
    expect(mapWidgetValues(info.Load3D!, stored).inputs).toMatchObject({ width: 800, height: 600 })
  })

  it('WebcamCapture: the camera widget takes the first slot, its capture button comes last', () => {
    expect(names('WebcamCapture')).toEqual(['image', 'width', 'height', 'capture_on_queue'])
    const stored = [null, 640, 480, false, null]
    expect(mapWidgetValues(info.WebcamCapture!, stored).inputs).toMatchObject({ width: 640, capture_on_queue: false })
  })

  it('LoadAudio: the audio player and the upload button follow the required inputs, in that order', () => {
    expect(names('LoadAudio')).toEqual(['audio', null, null])
  })

  it('a combo with control_after_generate is followed by its control and its filter list, a seed by its control only', () => {
    const def: ObjectInfoNode = {
      input: {
        required: {
          wildcard: [['a', 'b', 'c'], { control_after_generate: true }],
          seed: ['INT', { default: 0 }],
          text: ['STRING', {}],
        },
      },
      output: ['STRING'],
      name: 'WildcardPick',
    }
    expect(widgetLayout(def).map((s) => s.name)).toEqual(['wildcard', null, null, 'seed', null, 'text'])
    const { inputs } = mapWidgetValues(def, ['b', 'increment', '', 7, 'fixed', 'hello'])
    expect(inputs).toEqual({ wildcard: 'b', seed: 7, text: 'hello' })
  })
})

/** What ComfyUI frontend 1.27.10 built for each class (recorded by running it; see the fixture folder's README). */
const recorded = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'object-info', 'frontend-widget-layouts.json'), 'utf8')
) as Record<string, { widgets: Array<[string, string]> }>

/** The frontend's widgets as intake's slots: an input's own widget by the input's name (its first), others null. */
function frontendSlots(classType: string): Array<string | null> {
  const def = definition(classType)
  const inputs = new Set(Object.keys({ ...def.input.required, ...def.input.optional }))
  return recorded[classType]!.widgets.map(([name]) => (inputs.delete(name) ? name : null))
}

describe('the table matches the widgets ComfyUI frontend 1.27.10 builds', () => {
  it.each(Object.keys(recorded))('%s', (classType) => {
    const ours = names(classType)
    const theirs = frontendSlots(classType)
    expect(theirs.slice(0, ours.length)).toEqual(ours)
    // Widgets the frontend adds after all of ours (a capture button, a player) shift nothing.
    expect(theirs.slice(ours.length).every((name) => name === null)).toBe(true)
  })
})
