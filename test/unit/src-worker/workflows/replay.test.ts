/**
 * Recorded histories (src-worker/test/history_files, made by test/integration/engine/record-histories
 * with RECORD_HISTORIES=1) must replay with the current workflow code: a change that would break
 * determinism for runs already in flight fails here.
 *
 * Why package.json lists protobufjs though no code imports it: without a direct `protobufjs@^8`
 * npm hoists @grpc/proto-loader's protobufjs 7 and gives @temporalio/common, proto and worker a
 * private copy of 8 each; historyFromJSON then fails with "type must be a Type". The direct
 * dependency makes npm dedupe them (`npm ls protobufjs` shows 8.x deduped). Do not remove it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { historyFromJSON } from '@temporalio/common/lib/proto-utils'
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker'
import { beforeAll, describe, expect, it } from 'vitest'
import { workflowBundleOptions } from '../../../../src-worker/workflow-bundle-options'

const DIR = join(__dirname, '../../../../src-worker/test/history_files')
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'))

let bundle: WorkflowBundleWithSourceMap

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') })
  } catch {
    // Installed already in this process.
  }
  bundle = await bundleWorkflowCode({
    ...workflowBundleOptions(),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  })
}, 120_000)

describe('recorded workflow histories', () => {
  it('cover every workflow path', () => {
    expect(files.sort()).toEqual([
      'batch-child-run.json',
      'batch-continued-as-new.json',
      'batch-default-budget.json',
      'run-cancelled-by-signal.json',
      'run-completed-short.json',
      'run-completed.json',
      'run-execution-failed.json',
      'run-validation-failed.json',
    ])
  })

  it.each(files)(
    '%s replays without non-determinism',
    async (file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(DIR, file), 'utf8')))
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, file)
    },
    60_000
  )
})

/**
 * The workflow folds progress signals with the shared node-state fold (src-shared/runs/node-states).
 * A signal whose node states name Object.prototype members must replay too: the fold once wrote
 * `finished_at` onto the sandbox's frozen Object constructor, failing every workflow task of the run.
 */
describe('the workflow node-state fold', () => {
  it('replays a progress signal with node ids such as constructor and __proto__', async () => {
    const json = JSON.parse(readFileSync(join(DIR, 'run-completed.json'), 'utf8')) as RecordedHistory
    let hostile = 0
    for (const event of json.events) {
      const payload = event.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0]
      if (payload === undefined) continue
      const update = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as { nodes: object }
      update.nodes = JSON.parse(
        `{${JSON.stringify(update.nodes).slice(1, -1)},"constructor":"done","__proto__":"done","toString":"running"}`
      ) as object
      payload.data = Buffer.from(JSON.stringify(update)).toString('base64')
      hostile += 1
    }
    expect(hostile).toBeGreaterThan(0)
    await Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(json), 'hostile-node-ids')
  }, 60_000)
})

interface RecordedHistory {
  events: { workflowExecutionSignaledEventAttributes?: { input?: { payloads?: { data: string }[] } } }[]
}
