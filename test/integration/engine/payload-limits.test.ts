/**
 * Issue #11 kind 4: Temporal refuses a payload over 2 MB and a gRPC message over 4 MB. Whatever the
 * workflow or the server sends, runs must still start, execute and complete: large prompt values and UI
 * workflows go by content hash, a batch's window is sized by bytes, and events and output lists are
 * bounded. Each test here fails on the code before that change (HTTP 500 / "exceeds size limit" /
 * "GRPC Message too large").
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { BlobStore } from '../../../src-shared/storage/blob-store'
import { txt2img, engineSetupForFile } from './helpers'
import { join } from 'node:path'

let payloads: BlobStore

const setup = engineSetupForFile([{ timing: { stepMs: 1, nodeMs: 1, loadMs: 1 } }])

beforeAll(() => {
  payloads = new BlobStore(join(setup.rig.dataDir, 'payloads'))
})

/** The prompt ComfyUI received for a prompt_id (its history entry keeps it). */
async function receivedPrompt(promptId: string): Promise<Record<string, { inputs: Record<string, unknown> }>> {
  const res = await fetch(`${setup.sims[0]!.url}/history/${promptId}`)
  const history = (await res.json()) as Record<string, { prompt: unknown[] }>
  return history[promptId]!.prompt[2] as Record<string, { inputs: Record<string, unknown> }>
}

describe('payload limits', () => {
  it('a 2.2 MB workflow (1.1 MB text widget, and the same in the UI workflow) runs, and ComfyUI gets it whole', async () => {
    const text = `a lighthouse ${'x'.repeat(1_100_000)}`
    const prompt = txt2img({ steps: 1 })
    prompt['6']!.inputs.text = text
    const { workflowId } = await setup.rig.runs.startRun({
      prompt,
      extraPnginfo: { workflow: { nodes: [], note: text } },
    })
    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputs).toHaveLength(1)
    const sent = await receivedPrompt(result.promptId)
    expect(sent['6']!.inputs.text).toBe(text)
  })

  it('a 3 MB UI text output in the executed message completes the run, its event bounded and the text stored', async () => {
    setup.sims[0]!.setFaults({ uiTextChars: 3_000_000 })
    try {
      const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 1 }) })
      const result = await setup.rig.runs.result(workflowId)
      expect(result.outputs).toHaveLength(1)
      const executed = result.events?.find((e) => e.type === 'executed')
      expect(executed).toBeDefined()
      expect(JSON.stringify(executed).length).toBeLessThan(4_096)
      const stored = executed!.data.comfyfleet_payload_sha256 as string
      const full = JSON.parse(payloads.read(stored, 'json').toString('utf8')) as { output: { text: string[] } }
      expect(full.output.text[0]).toHaveLength(3_000_000)
    } finally {
      setup.sims[0]!.clearFaults()
    }
  })

  it('8,000 outputs: the run completes with all of them, the result carrying a count and a reference', async () => {
    const prompt = txt2img({ steps: 1 })
    prompt['5']!.inputs = { width: 16, height: 16, batch_size: 4000 }
    prompt['10'] = { class_type: 'SaveImage', inputs: { images: ['8', 0], filename_prefix: 'second' } }
    const { workflowId } = await setup.rig.runs.startRun({ prompt })
    const result = await setup.rig.runs.result(workflowId)
    expect(result.outputCount).toBe(8000)
    expect(result.outputs).toHaveLength(8000)
    expect(new Set(result.outputs.map((o) => o.filename)).size).toBe(8000)
    const status = await setup.rig.runs.getStatus(workflowId)
    expect(status.status).toBe('completed')
  }, 300_000)

  it('a 64-run batch of a 73 KB UI workflow starts and completes 64/64', async () => {
    const note = 'n'.repeat(73_000)
    const { batchId } = await setup.rig.runs.startBatch({
      prompt: txt2img({ steps: 1 }),
      sweep: { kind: 'seeds', from: 1, to: 64 },
      extraPnginfo: { workflow: { nodes: [{ id: 1, type: 'Note', widgets_values: [note] }] } },
    })
    const final = await setup.rig.runs.batchResult(batchId)
    expect(final).toMatchObject({ status: 'completed', total: 64, completed: 64, failed: 0 })
  }, 300_000)
})
