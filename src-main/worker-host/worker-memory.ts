/**
 * How the worker process is started so that its memory stays within budget (issue #17 item 5: main + worker
 * ≤ 400 MB through a 1,000-run batch). One home for both forkers (Node's fork and Electron's utilityProcess).
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

/** Node/V8 flags of the worker process: heap limits fitted to what it holds, not to the machine's RAM. */
export const WORKER_EXEC_ARGV: readonly string[] = ['--max-old-space-size=192', '--max-semi-space-size=8']

/** The worker's environment: the parent's, with glibc's malloc arenas capped unless the user set them. */
export function workerEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...parent, MALLOC_ARENA_MAX: parent.MALLOC_ARENA_MAX ?? '2' }
}
