/**
 * How the workflow code is bundled, wherever it is: the build (scripts/bundle-workflows.mjs), the worker run
 * from source, and the tests, so the tests run the bundle production runs.
 */
import { join } from 'node:path'
import type { BundleOptions } from '@temporalio/worker'

/** The workflow entry point: every workflow type of the task queue. */
export const WORKFLOWS_ENTRY = join(__dirname, 'workflows', 'index.ts')

/**
 * The entry and everything it imports are preloaded: evaluated once into the reusable V8 context's shared
 * module cache, not once per workflow execution. Without it every run re-evaluated our ~15 modules in the
 * sandbox, ~7 ms of worker CPU per run (the bare Temporal floor's throughput fell by a third with them imported).
 * Safe because no module of ours keeps state at module scope: the SDK deep-freezes preloaded modules, and
 * the replay and engine tests run this same bundle.
 */
export function workflowBundleOptions(): Pick<BundleOptions, 'workflowsPath' | 'preloadModules'> {
  return { workflowsPath: WORKFLOWS_ENTRY, preloadModules: [WORKFLOWS_ENTRY] }
}
