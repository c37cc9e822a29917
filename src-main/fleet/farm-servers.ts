/**
 * The farm's servers as their owning workers report them: every open server claim on the namespace
 * (see src-worker/workflows/server-claim-defs.ts), read with its `get_server` query. This is how a
 * desktop in remote mode sees GPU hosts it does not own: read-only, with health, GPU, VRAM and load.
 */
import type { Client } from '@temporalio/client'
import type { FarmServer } from '../../src-shared/contract/farm'
import { getServerQuery, SERVER_CLAIM_WORKFLOW } from '../../src-worker/workflows/server-claim-defs'

/** One answer serves every UI and script asking within this window (each claim query is a worker task). */
const CACHE_MS = 2_000

export class FarmServers {
  private last: { at: number; value: Promise<FarmServer[]> } | null = null

  constructor(private readonly client: () => Client | null) {}

  list(): Promise<FarmServer[]> {
    const now = Date.now()
    if (this.last !== null && now - this.last.at < CACHE_MS) return this.last.value
    const value = this.read().catch(() => [])
    this.last = { at: now, value }
    return value
  }

  private async read(): Promise<FarmServer[]> {
    const client = this.client()
    if (client === null) return []
    const ids: string[] = []
    const query = `WorkflowType = '${SERVER_CLAIM_WORKFLOW}' AND ExecutionStatus = 'Running'`
    for await (const info of client.workflow.list({ query })) ids.push(info.workflowId)
    const states = await Promise.all(
      ids.map((id) =>
        client.workflow
          .getHandle(id)
          .query(getServerQuery)
          .catch(() => null)
      )
    )
    return states
      .filter((s) => s !== null)
      .map((s) => ({ owner: s.owner, claimedAt: s.claimedAt, report: s.report }))
      .sort((a, b) => (a.report?.name ?? a.owner).localeCompare(b.report?.name ?? b.owner))
  }
}
