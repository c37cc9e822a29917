/**
 * This worker's side of "one owner per server" (see workflows/server-claim-defs.ts): it claims each
 * of its servers through Temporal, reports their health to the claim every few seconds, marks a
 * server another worker owns as not usable here (with that owner named in the log), and releases its
 * claims on shutdown so another worker may take the servers at once.
 */
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client'
import type { NativeConnection } from '@temporalio/worker'
import type { WorkerServer } from '../../src-shared/contract/worker-protocol'
import type { LogFn } from '../activities/deps'
import {
  CLAIM_REPORT_MS,
  claimWorkflowId,
  getServerQuery,
  releaseSignal,
  reportSignal,
  SERVER_CLAIM_WORKFLOW,
  type ServerClaimInput,
  type ServerReport,
} from '../workflows/server-claim-defs'
import type { ServerDirectory } from './server-directory'
import type { SlotPool } from './slot-pool'

export interface ServerClaimsOptions {
  connection: NativeConnection
  namespace: string
  taskQueue: string
  /** Stable identity of this worker (host + data dir): a restarted worker finds its own claims again. */
  owner: string
  directory: ServerDirectory
  pool: SlotPool
  log: LogFn
}

export class ServerClaims {
  private readonly client: Client
  /** Claim workflow ids this worker holds, by server id. */
  private readonly held = new Map<string, string>()
  private readonly warned = new Map<string, string>()
  /** Last claim error per server: logged when it changes, not every 5 s through a Temporal outage. */
  private readonly failing = new Map<string, string>()
  private timer: NodeJS.Timeout | null = null
  private ticking: Promise<void> | null = null

  constructor(private readonly o: ServerClaimsOptions) {
    this.client = new Client({ connection: o.connection, namespace: o.namespace })
    o.directory.requireClaims()
    o.directory.on('changed', () => void this.tick())
  }

  start(): void {
    void this.tick()
    this.timer = setInterval(() => void this.tick(), CLAIM_REPORT_MS)
    this.timer.unref()
  }

  /** Stops reporting and gives every claim back (a clean stop: the servers are free for another worker). */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    await this.ticking
    await Promise.all([...this.held.values()].map((wid) => this.release(wid)))
    this.held.clear()
  }

  /** One round: claim or report every server, release the ones no longer ours to run. */
  private tick(): Promise<void> {
    this.ticking ??= this.round().finally(() => (this.ticking = null))
    return this.ticking
  }

  private async round(): Promise<void> {
    const servers = this.o.directory.list()
    for (const [serverId, wid] of this.held) {
      if (servers.some((s) => s.id === serverId && claimWorkflowId(s.address) === wid)) continue
      this.held.delete(serverId)
      await this.release(wid)
    }
    for (const server of servers) {
      try {
        await this.claimOrReport(server)
        this.failing.delete(server.id)
      } catch (error) {
        // Temporal unreachable: keep what we know; the worker's own polls say the rest.
        const message = (error as Error).message
        if (this.failing.get(server.id) !== message) this.o.log('warn', `claim of ${server.name}: ${message}`)
        this.failing.set(server.id, message)
      }
    }
  }

  private async claimOrReport(server: WorkerServer): Promise<void> {
    const wid = claimWorkflowId(server.address)
    if (this.held.get(server.id) === wid) {
      try {
        await this.client.workflow.getHandle(wid).signal(reportSignal, this.o.owner, this.report(server))
        return
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error
        this.held.delete(server.id) // Our claim lapsed (we could not report for a while): claim again.
      }
    }
    const input: ServerClaimInput = {
      owner: this.o.owner,
      address: server.address,
      report: this.report(server),
      claimedAt: Date.now(),
    }
    try {
      await this.client.workflow.start(SERVER_CLAIM_WORKFLOW, {
        workflowId: wid,
        taskQueue: this.o.taskQueue,
        args: [input],
      })
      this.ours(server, wid)
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error
      const state = await this.client.workflow.getHandle(wid).query(getServerQuery)
      if (state.owner === this.o.owner) return this.ours(server, wid)
      this.o.directory.setClaim(server.id, state.owner)
      if (this.warned.get(server.id) !== state.owner) {
        this.warned.set(server.id, state.owner)
        this.o.log(
          'error',
          `server ${server.name} (${server.address}) is owned by worker ${state.owner}: not used here`
        )
      }
    }
  }

  private ours(server: WorkerServer, wid: string): void {
    if (!this.held.has(server.id)) this.o.log('info', `server ${server.name} (${server.address}) claimed`)
    this.held.set(server.id, wid)
    this.warned.delete(server.id)
    this.o.directory.setClaim(server.id, null)
  }

  private report(server: WorkerServer): ServerReport {
    const usage = this.o.pool.usage().find((u) => u.serverId === server.id)
    const downReason = this.o.directory.downReason(server.id)
    return {
      serverId: server.id,
      name: server.name,
      address: server.address,
      slots: server.slots,
      online: server.online && downReason === null,
      accepting: server.accepting && !this.o.directory.isLeaving(server.id),
      downReason,
      gpu: server.gpu,
      vramFree: server.vramFree,
      vramTotal: server.vramTotal,
      inUse: usage?.inUse ?? 0,
      runIds: usage?.runIds ?? [],
      at: Date.now(),
    }
  }

  private async release(wid: string): Promise<void> {
    try {
      await this.client.workflow.getHandle(wid).signal(releaseSignal, this.o.owner)
    } catch {
      // Already over (lapsed): nothing to give back.
    }
  }
}
