import type { RunState, RunSummary } from '../../src-shared/contract'

/** A run summary with only the fields grouping looks at set meaningfully. */
export function run(id: string, status: RunState, createdAt: number, extra: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    workflowId: id,
    name: id,
    status,
    serverId: null,
    serverName: null,
    gpu: null,
    progress: 0,
    currentNode: null,
    nodeProgress: null,
    createdAt,
    startedAt: status === 'running' ? createdAt + 1 : null,
    finishedAt: ['completed', 'failed', 'cancelled'].includes(status) ? createdAt + 5 : null,
    batchId: null,
    error: null,
    thumbHash: null,
    positive: null,
    negative: null,
    seed: null,
    models: [],
    outputsCount: 0,
    ...extra,
  }
}
