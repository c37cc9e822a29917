/**
 * The field cases of issue #14 (test/fixtures/field-cases, copied from the shared corpus cases): each input goes
 * through intake with the simulator's /object_info (the cases use only its catalog and default model) and must
 * give the prompt ComfyUI frontend 1.27.10 made from it on real ComfyUI 0.3.64 (expected.json).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { objectInfo } from '../../../../sim/catalog/object-info'
import { mapWidgetValues } from '../../../../src-main/intake/widget-values'
import { checkInputValues, inputProblems, intakeFile, intakeJson } from '../../../../src-main/intake'
import type { ObjectInfo } from '../../../../src-shared/contract/intake'
import type { ApiPrompt } from '../../../../src-shared/contract/runs'
import { expectErr, expectOk } from '../../../helpers/intake-fixtures'

const DIR = join(__dirname, '..', '..', '..', 'fixtures', 'field-cases')

function caseFile(name: string): Buffer {
  return readFileSync(join(DIR, name))
}

function caseJson(name: string): unknown {
  return JSON.parse(caseFile(name).toString('utf8'))
}

function expectedPrompt(folder: string): ApiPrompt {
  return (JSON.parse(caseFile(`${folder}/expected.json`).toString('utf8')) as { prompt: ApiPrompt }).prompt
}

/** The simulator's /object_info as a client parses it (JSON round trip, like `await res.json()`). */
function simInfo(): ObjectInfo {
  return JSON.parse(JSON.stringify(objectInfo())) as ObjectInfo
}

function intake(name: string) {
  return intakeFile({ name, bytes: caseFile(name) }, { objectInfo: simInfo() })
}

describe('subgraph instance inputs are matched by name', () => {
  it('01: an input the instance does not save falls back to the inner widget value', () => {
    const result = expectOk(intake('01-subgraph-instance-missing-input/workflow.json'))
    expect(result.prompt).toEqual(expectedPrompt('01-subgraph-instance-missing-input'))
  })

  it('refuses a link from a subgraph input the definition does not declare, naming the subgraph', () => {
    const workflow = caseJson('01-subgraph-instance-missing-input/workflow.json') as {
      definitions: { subgraphs: Array<{ inputs: unknown[] }> }
    }
    workflow.definitions.subgraphs[0]!.inputs.splice(1) // "width" goes; the inner link from input #1 stays
    const error = expectErr(intakeJson(workflow, 'x.json', { objectInfo: simInfo() }))
    expect(error).toMatchObject({
      code: 'intake/bad-link',
      message: 'Subgraph "Text to image" has a link from its input #1, but it declares only 1 input.',
    })
  })

  it('promoted widget values follow the order the instance saved its inputs in', () => {
    const workflow = caseJson('01-subgraph-instance-missing-input/workflow.json') as {
      nodes: Array<{ inputs: unknown[]; widgets_values: unknown[] }>
    }
    const widget = (name: string, type: string) => ({ name, type, link: null, widget: { name } })
    workflow.nodes[0]!.inputs = [widget('width', 'INT'), widget('text', 'STRING')] // the definition says text, width
    workflow.nodes[0]!.widgets_values = [640, 'a castle']
    const { prompt } = expectOk(intakeJson(workflow, 'x.json', { objectInfo: simInfo() }))
    // Frontend 1.27.10 rebuilds the inputs in definition order and hands out these values by position
    // (text 640, width "a castle", which the server refuses); the saved order is what the values were saved in.
    expect([prompt['10:2']!.inputs.text, prompt['10:5']!.inputs.width]).toEqual(['a castle', 640])
  })

  it('02: instance inputs saved in another order keep positive and negative apart', () => {
    const result = expectOk(intake('02-subgraph-instance-inputs-reordered/workflow.json'))
    expect(result.prompt).toEqual(expectedPrompt('02-subgraph-instance-inputs-reordered'))
  })
})

describe('only output nodes and what feeds them are validated', () => {
  it('03: a node that feeds no output is not checked, an ancestor of an output still is', () => {
    const result = expectOk(intake('03-api-prompt-unreachable-node-validated/prompt_api.json'))
    expect(expectOk(checkInputValues(result.prompt, { sim0: simInfo() }))).toEqual(['sim0'])
    const broken = structuredClone(result.prompt)
    delete broken['3']!.inputs.text
    expect(inputProblems(broken, simInfo())).toEqual([
      { nodeId: '3', classType: 'CLIPTextEncode', input: 'text', message: 'required input is missing' },
    ])
  })

  it('realcomfy: a bad ckpt_name on a chain that feeds no output is accepted, as real ComfyUI 0.3.64 runs it', () => {
    const result = expectOk(intake('unconnected_invalid_node.json'))
    expect(inputProblems(result.prompt, simInfo())).toEqual([])
  })
})

describe('a stale embedded prompt gives way to the embedded workflow', () => {
  it('04: the PNG runs its workflow chunk (as ComfyUI does on drop) and says so', () => {
    const result = expectOk(intake('04-stale-embedded-prompt-preferred/old_comfy_output.png'))
    expect(result.source).toBe('workflow')
    expect(result.prompt).toEqual(expectedPrompt('04-stale-embedded-prompt-preferred'))
    expect(result.warnings[0]).toMatch(/^Used the file's UI workflow, not its embedded API prompt/)
    expect(result.warnings[0]).toContain('node 6 (VAEDecodeTiled) temporal_size: required input is missing')
  })

  it('keeps an embedded prompt that a server accepts, and one whose workflow would be refused too', () => {
    const fresh = intakeJson(
      {
        prompt: expectedPrompt('04-stale-embedded-prompt-preferred'),
        workflow: caseJson('04-stale-embedded-prompt-preferred/embedded_workflow.json'),
      },
      'fresh.json',
      { objectInfo: simInfo() }
    )
    expect(expectOk(fresh).source).toBe('prompt')
    const stale = caseJson('04-stale-embedded-prompt-preferred/embedded_prompt.json')
    const brokenWorkflow = { nodes: [{ id: 1, type: 'NoSuchNode' }], links: [] }
    const result = expectOk(
      intakeJson({ prompt: stale, workflow: brokenWorkflow }, 'x.json', { objectInfo: simInfo() })
    )
    expect(result.source).toBe('prompt')
  })
})

describe('frontend-only widgets keep widgets_values aligned', () => {
  const withLoad3d = (): ObjectInfo => ({
    ...simInfo(),
    ...(JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'object-info', 'frontend-widget-nodes.json'), 'utf8')
    ) as ObjectInfo),
  })

  it('06: Load3D is refused for its browser-only capture, never sent with width "upload3dmodel"', () => {
    const name = '06-load3d-widget-values-misaligned/workflow.json'
    const error = expectErr(intakeFile({ name, bytes: caseFile(name) }, { objectInfo: withLoad3d() }))
    expect(error.code).toBe('intake/needs-frontend')
    expect(error.message).toMatch(
      /^Node 1 \(Load3D\) needs the ComfyUI frontend: its input "image" is a capture of the 3D viewer/
    )
    expect(error.details).toEqual({ node: '1', classType: 'Load3D', input: 'image' })
  })

  it('06: the saved widget values map as the frontend sends them (width and height 1024)', () => {
    const workflow = caseJson('06-load3d-widget-values-misaligned/workflow.json') as {
      nodes: Array<{ widgets_values: unknown[] }>
    }
    const expected = (caseJson('06-load3d-widget-values-misaligned/expected.json') as Record<string, ApiPrompt>)[
      'frontend_1.27.10_prompt'
    ]!
    const { inputs } = mapWidgetValues(withLoad3d().Load3D!, workflow.nodes[0]!.widgets_values)
    expect(inputs).toEqual({
      model_file: expected['1']!.inputs.model_file,
      image: '',
      width: expected['1']!.inputs.width,
      height: expected['1']!.inputs.height,
    })
  })
})
