/**
 * How main and the worker are started so that their memory stays within budget (issue #17 item 5: main +
 * worker ≤ 400 MB through a 1,000-run batch). The values live in memory-flags.json, read by the worker's two
 * forkers (Node's fork and Electron's utilityProcess) through this module and by the launchers of main
 * (`scripts/start.mjs`, the benches): a running Node process cannot change its own heap limits, so whoever
 * starts main passes them.
 *
 * Measured with heap snapshots and /proc smaps during the batch (README Performance): the worker's live V8
 * heap is ≈32 MB, yet its heap grew to 90–120 MB and its RSS to 300–350 MB. Two causes, neither ours to
 * fix in code:
 *  - V8 sizes its heap against its limit, which Node derives from the machine's RAM (4 GB on a 24 GB
 *    machine): it lets garbage pile up long before collecting it. A limit fitted to the worker keeps the
 *    heap near its live size. It applies to each isolate, the SDK's workflow thread included, whose
 *    workflow contexts need more than 128 MB (that limit made workflow tasks time out), hence 192 MB. The
 *    SDK sizes its workflow cache from this limit too: the worker sets that size itself (engine-worker.ts).
 *    Semi-spaces of 8 MB (16 by default) cost no measurable CPU; 4 MB saved 10 MB more for ≈25 % more CPU.
 *  - glibc gives each thread that allocates its own malloc arena; the Temporal Core's Rust threads, V8's and
 *    libuv's leave tens of MB spread over them. Two arenas are plenty for one worker's native work.
 */

import flags from './memory-flags.json'

/** Node/V8 flags of the worker process: heap limits fitted to what it holds, not to the machine's RAM. */
export const WORKER_EXEC_ARGV: readonly string[] = flags.worker

/**
 * Node/V8 flags of main (headless or the CLI's server). Main parses what users drop on it, up to a 50 MB
 * workflow: JSON.parse of 47 MB of small nodes took it to ~830 MB RSS, so its old space is capped at 1 GB,
 * not at its working size (≈30 MB live). Even that cap, against Node's default of a quarter of the RAM,
 * makes V8 collect sooner: main peaked at 131 MB instead of 187 MB through the 1,000-run batch.
 */
export const MAIN_EXEC_ARGV: readonly string[] = flags.main

/**
 * How a test or bench starts the headless app as `npm run serve` does, on free ports with its own data dir:
 * node's argv (main's memory flags first). `root`: the project root holding out/main/headless.js.
 */
export function headlessArgv(root: string, dataDir: string): string[] {
  const entry = `${root}/out/main/headless.js`
  return [...MAIN_EXEC_ARGV, entry, '--data-dir', dataDir, '--port', '0', '--temporal-port', '0']
}

/** A child's environment: the parent's, with glibc's malloc arenas capped unless the user set them. */
export function memoryEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...parent, MALLOC_ARENA_MAX: parent.MALLOC_ARENA_MAX ?? flags.mallocArenaMax }
}
