/**
 * Finished runs written straight into an app's cache, as e2e/runs-at-scale.spec.ts seeds its 1,000:
 * the list's behaviour at scale is measured, not the engine's throughput (that is bench/throughput.ts).
 */
import { openCache } from '../../src-main/cache'
import type { RunFinish } from '../../src-shared/contract/cache'

const SERVERS = 8
const START = 1_700_000_000_000

/** Every 10th run failed, every 25th cancelled, the rest completed; spread over 8 servers. */
function statusOf(i: number): RunFinish['status'] {
  if (i % 10 === 9) return 'failed'
  if (i % 25 === 24) return 'cancelled'
  return 'completed'
}

export function seedFinishedRuns(dataDir: string, n: number): void {
  const cache = openCache(dataDir)
  try {
    // One transaction: 5,000 separate commits would each wait for an fsync.
    cache.db.transaction(() => {
      for (let i = 0; i < n; i++) insertOne(cache, i)
    })()
  } finally {
    cache.close()
  }
}

function insertOne(cache: ReturnType<typeof openCache>, i: number): void {
  const id = `run-seed-${String(i).padStart(5, '0')}`
  const createdAt = START + i * 1000
  const serverId = `server-${i % SERVERS}`
  cache.runs.insertRun({
    id,
    workflowId: id,
    name: `bulk ${String(i).padStart(5, '0')}`,
    createdAt,
    serverId,
    serverName: `GPU ${i % SERVERS}`,
    prompt: { '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } },
    positive: `a haystack ${i}`,
    negative: null,
    seed: i,
    models: [],
  })
  const status = statusOf(i)
  const finish: RunFinish = {
    status,
    finishedAt: createdAt + 500,
    outputs: [],
    serverId,
    ...(status === 'failed' ? { error: { kind: 'execution' as const, message: 'seeded failure' } } : {}),
  }
  cache.runs.finishRun(id, finish, createdAt + 500)
}
