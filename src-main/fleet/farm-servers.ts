/**
 * The farm's servers as their owning workers report them: every open server claim on the namespace
 * (see src-worker/workflows/server-claim-defs.ts), read with its `get_server` query. This is how a
 * desktop in remote mode sees GPU hosts it does not own: read-only, with health, GPU, VRAM and load.
 */
import type { Client } from '@temporalio/client'
import { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import type { FarmServer } from '../../src-shared/contract/farm'
import type { ObjectInfo } from '../../src-shared/contract/intake'
import { getServerQuery, SERVER_CLAIM_WORKFLOW } from '../../src-worker/workflows/server-claim-defs'

/** One answer serves every UI and script asking within this window (each claim query is a worker task). */
const CACHE_MS = 2_000
/** A farm server's /object_info is fetched again after this long (models get added). */
const OBJECT_INFO_MS = 60_000

/** The /object_info of the farm's online servers, keyed `farm:<address>`, with their names. */
export interface FarmObjectInfo {
  byServer: Record<string, ObjectInfo>
  names: Record<string, string>
}

export class FarmServers {
  private last: { at: number; value: Promise<FarmServer[]> } | null = null
  private readonly infos = new Map<string, { at: number; info: ObjectInfo }>()

  constructor(private readonly client: () => Client | null) {}

  list(): Promise<FarmServer[]> {
    const now = Date.now()
    if (this.last !== null && now - this.last.at < CACHE_MS) return this.last.value
    const value = this.read().catch(() => [])
    this.last = { at: now, value }
    return value
  }

  /**
   * What the farm's servers can run, read from each one's /object_info (the desktop reaches them for
   * /view too), so a run no farm server accepts is refused at submit instead of failing minutes later.
   */
  async objectInfo(): Promise<FarmObjectInfo> {
    const out: FarmObjectInfo = { byServer: {}, names: {} }
    const reports = (await this.list()).flatMap((s) => (s.report?.online === true ? [s.report] : []))
    await Promise.all(
      reports.map(async (r) => {
        const info = await this.objectInfoOf(r.address)
        if (info === null) return
        out.byServer[`farm:${r.address}`] = info
        out.names[`farm:${r.address}`] = r.name
      })
    )
    return out
  }

  private async objectInfoOf(address: string): Promise<ObjectInfo | null> {
    const cached = this.infos.get(address)
    if (cached !== undefined && Date.now() - cached.at < OBJECT_INFO_MS) return cached.info
    try {
      const info = (await new ComfyHttpClient(address).objectInfo()) as ObjectInfo
      this.infos.set(address, { at: Date.now(), info })
      return info
    } catch {
      return cached?.info ?? null
    }
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
