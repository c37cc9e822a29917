/**
 * The farm's servers as their owning workers report them: every open server claim on the namespace
 * (see src-shared/temporal/server-claim.ts), read with its `get_server` query. This is how a
 * desktop in remote mode sees GPU hosts it does not own: read-only, with health, GPU, VRAM and load.
 */
import type { Client } from '@temporalio/client'
import { ComfyHttpClient } from '../../src-shared/comfy/http-client'
import type { FarmServer } from '../../src-shared/contract/farm'
import type { ObjectInfo } from '../../src-shared/contract/intake'
import { getServerQuery } from '../../src-shared/temporal/messages'
import { CLAIM_REPORT_MS, SERVER_CLAIM_WORKFLOW } from '../../src-shared/temporal/server-claim'
import { withQueryDeadline } from '../temporal/query-deadline'

/** One answer serves every UI and script asking within this window (each claim query is a worker task). */
const CACHE_MS = 2_000
/** A farm server's /object_info is fetched again after this long (models get added). */
const OBJECT_INFO_MS = 60_000
/**
 * A report unchanged for this long (by this desktop's clock, so hosts' clocks need not agree) means
 * its owner stopped reporting: once the owner's sticky queue is given up, another worker answers the
 * query from the claim's history, with the last report, until the claim lapses (CLAIM_TTL_MS).
 */
const REPORT_STALE_MS = CLAIM_REPORT_MS * 2.5
/** Why a claim's server shows down when its owner does not answer or stopped reporting. */
export const OWNER_SILENT = 'its owner worker is not answering'

/** The /object_info of the farm's online servers, keyed `farm:<address>`, with their names. */
export interface FarmObjectInfo {
  byServer: Record<string, ObjectInfo>
  names: Record<string, string>
}

export class FarmServers {
  private last: { at: number; value: Promise<FarmServer[]> } | null = null
  private readonly infos = new Map<string, { at: number; info: ObjectInfo }>()
  /** Each claim's last answer by workflow id, and since when its report is unchanged. */
  private readonly lastAnswers = new Map<string, { answer: FarmServer; sameSince: number }>()

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
    for (const id of this.lastAnswers.keys()) if (!ids.includes(id)) this.lastAnswers.delete(id)
    const servers = await Promise.all(ids.map((id) => this.readClaim(client, id)))
    return servers
      .filter((s) => s !== null)
      .sort((a, b) => (a.report?.name ?? a.owner).localeCompare(b.report?.name ?? b.owner))
  }

  /** One claim's state, marked down when its owner does not answer in time or stopped reporting. */
  private async readClaim(client: Client, id: string): Promise<FarmServer | null> {
    const last = this.lastAnswers.get(id)
    try {
      // A claim whose owner was just killed would hold the list (and every submit) ~10 s.
      const s = await withQueryDeadline(client, () => client.workflow.getHandle(id).query(getServerQuery))
      const answer = { owner: s.owner, claimedAt: s.claimedAt, report: s.report }
      const same = last !== undefined && last.answer.report?.at === answer.report?.at
      const sameSince = same ? last.sameSince : Date.now()
      this.lastAnswers.set(id, { answer, sameSince })
      return Date.now() - sameSince > REPORT_STALE_MS ? ownerSilent(answer) : answer
    } catch {
      return last === undefined ? null : ownerSilent(last.answer)
    }
  }
}

function ownerSilent(server: FarmServer): FarmServer {
  const report = server.report && { ...server.report, online: false, accepting: false, downReason: OWNER_SILENT }
  return { ...server, report }
}
