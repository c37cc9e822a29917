/**
 * bughunt/rerun-after-output-cleanup-fails-after-10-attempts: an identical re-run is answered from ComfyUI's
 * cache with the earlier file names; when those files were cleaned from the server's disk, the run must
 * still produce its image (run again with the cache defeated), not fail after ten 404 downloads.
 */
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BlobStore, STAGED_PREFIX } from '../../../src-shared/storage/blob-store'
import { storedIntact } from '../../helpers/blob-integrity'
import { executions, txt2img, engineSetupForFile } from './helpers'

const setup = engineSetupForFile([{ timing: { stepMs: 1, nodeMs: 1, loadMs: 1 } }])

describe('outputs', () => {
  it('an identical re-run whose cached output file was deleted on the server still produces its image', async () => {
    const prompt = txt2img({ steps: 3, seed: 4242 })
    const first = await setup.rig.runs.result((await setup.rig.runs.startRun({ prompt, name: 'first' })).workflowId)
    const outputDir = join(setup.sims[0]!.dataDir, 'output')
    expect(readdirSync(outputDir)).toContain(first.outputs[0]?.filename)
    for (const file of readdirSync(outputDir)) rmSync(join(outputDir, file), { recursive: true, force: true })

    const { workflowId } = await setup.rig.runs.startRun({ prompt, name: 'again' })
    const again = await setup.rig.runs.result(workflowId)
    expect(again.attempt).toBe(1)
    expect(again.outputs).toHaveLength(1)
    const [output] = again.outputs
    // Only the save node ran again, under a name of this run's own; its file is on the server and stored here.
    expect(output?.filename).not.toBe(first.outputs[0]?.filename)
    expect(readdirSync(outputDir)).toContain(output?.filename)
    expect(storedIntact(new BlobStore(join(setup.rig.dataDir, 'images')), output?.hash ?? '', 'png')).toBe(true)
    // Twice under its prompt_id: the cached answer (whose file was gone), then the fresh run.
    expect(executions(setup.sims, again.promptId)).toBe(2)
    const events = await setup.rig.runs.getEvents(workflowId)
    expect(events.map((e) => e.type)).toContain('comfyfleet_moved')
  }, 120_000)

  it.each([
    ['while the prompt finishes (history written 1 s late)', 1_000, 1],
    ['as history confirms it', 0, 2],
  ])(
    'a 12 MB output is downloaded once %s and stored whole, no staged file left (sec/view-unbounded-memory)',
    async (_when, historyDelayMs, seed) => {
      const sim = setup.sims[0]!
      const pad = 12 * 1024 * 1024
      sim.setFaults({ outputPadBytes: pad, historyDelayMs })
      try {
        const { workflowId } = await setup.rig.runs.startRun({ prompt: txt2img({ steps: 3, seed }) })
        const result = await setup.rig.runs.result(workflowId)
        const [output] = result.outputs
        expect(result.outputs).toHaveLength(1)
        expect(output?.bytes).toBeGreaterThan(pad)
        expect(sim.stats().views[output?.filename ?? '']).toBe(1)
        const blobs = new BlobStore(join(setup.rig.dataDir, 'images'))
        expect(storedIntact(blobs, output?.hash ?? '', 'png')).toBe(true)
        expect(readdirSync(blobs.root).filter((f) => f.startsWith(STAGED_PREFIX))).toEqual([])
      } finally {
        sim.clearFaults()
      }
    },
    60_000
  )
})
