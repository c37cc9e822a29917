/**
 * Everything a user does with runs, whatever door they come through (UI, local API, CLI): turn
 * files into runs (intake), start them on the engine, cancel, re-run, read them back from the cache.
 */
import { editableFields } from '../../src-shared/comfy/editable-inputs'
import type { InputEditProblem } from '../../src-shared/comfy/input-edits'
import type { RunDetail, RunSummary, SubmitRequest, SubmitResult } from '../../src-shared/contract/bridge'
import type { InspectRequest, InspectResult } from '../../src-shared/contract/run-sheet'
import type { IntakeResult, ObjectInfo } from '../../src-shared/contract/intake'
import { err, ok, type Result } from '../../src-shared/contract/result'
import type { ApiPrompt, RunOptions } from '../../src-shared/contract/runs'
import { setPromptSeeds } from '../../src-shared/comfy/seed-edit'
import type { BatchSweep } from '../../src-shared/temporal/contract'
import type { Cache } from '../cache'
import { checkInputValues, intakeFile } from '../intake'
import type { FarmObjectInfo } from '../fleet/farm-servers'
import type { FleetLookup } from './fleet-lookup'
import type { RunClient } from './run-client'
import { RunInputTooLargeError } from './run-input-size'
import { isFinal } from './run-states'
import type { RunTracker } from './run-tracker'
import { editedPrompt, gridSweep, readEdits } from './run-edits'
import { longestFirst, startInOrder } from './start-order'
import { sweepSize } from '../../src-shared/runs/batch-sweep'

/** The most runs one request may fan out to; larger sweeps are still one batch workflow. */
const MAX_BATCH = 100_000

export interface RunServiceDeps {
  runs: () => RunClient | null
  cache: Cache
  fleet: FleetLookup
  tracker: RunTracker
  defaults: () => Pick<RunOptions, 'retry'>
  temporalUrl: (workflowId: string) => string | null
  /** Remote Temporal: what the farm's servers (owned by other workers) can run, for the submit check. */
  farmObjectInfo?: () => Promise<FarmObjectInfo>
}

interface ParsedFile {
  name: string
  intake: IntakeResult
  sweep: BatchSweep | null
}

export class RunService {
  constructor(private readonly deps: RunServiceDeps) {}

  async submit(req: SubmitRequest): Promise<Result<SubmitResult>> {
    const files = collectFiles(req)
    if (!files.ok) return files
    const fieldEdits = readEdits(req)
    if (!fieldEdits.ok) return fieldEdits
    const { edits, axes } = fieldEdits.value
    const sweep = sweepOf(req)
    if (!sweep.ok) return sweep
    if ((edits.length > 0 || axes.length > 0) && files.value.length !== 1)
      return err('runs/edits-need-one-workflow', 'Inputs can be edited or varied for one workflow at a time')
    if (axes.length > 0 && sweep.value)
      return err('runs/bad-vary', 'Use either varied inputs or a seed range / count, not both')
    if (req.serverId && !this.deps.fleet.list().some((s) => s.id === req.serverId)) {
      return err('runs/unknown-server', `No server with id ${req.serverId}`)
    }
    // Every file is checked before anything starts: one bad file queues nothing.
    const parsed: ParsedFile[] = []
    const farm = req.serverId ? null : ((await this.deps.farmObjectInfo?.()) ?? null)
    const intakeOptions = this.intakeOptions(req.serverId ?? null, farm)
    for (const file of files.value) {
      const r = intakeFile(file, intakeOptions)
      if (!r.ok) return r
      const check = (prompt: ApiPrompt): Result<string[]> =>
        this.checkValues({ ...r.value, prompt }, intakeOptions.objectInfoByServer, req.serverId ?? null, farm)
      const prompt = editedPrompt(r.value.prompt, edits, check)
      if (!prompt.ok) return prompt
      const seeded = sweep.value ? sweepHasSeed(prompt.value, sweep.value, file.name) : ok(null)
      if (!seeded.ok) return seeded
      const grid = gridSweep(prompt.value, axes, check, MAX_BATCH)
      if (!grid.ok) return grid
      parsed.push({ name: file.name, intake: { ...r.value, prompt: prompt.value }, sweep: grid.value ?? sweep.value })
    }
    const client = this.deps.runs()
    if (!client)
      return err(
        'runs/temporal-down',
        'The Temporal server is not reachable, so no run can start now; history still works.'
      )
    const options = this.options(req)
    const items = parsed.map((p) => ({ prompt: p.intake.prompt, runs: p.sweep ? sweepSize(p.sweep) : 1 }))
    let started: Array<{ runId: string } | { batchId: string }>
    try {
      started = await startInOrder(longestFirst(items), (i) => this.startParsed(client, parsed[i]!, options, req.name))
    } catch (e) {
      // The limit is named (413), not Temporal's "Failed to start Workflow" (500).
      if (e instanceof RunInputTooLargeError) return err('runs/too-large', e.message)
      throw e
    }
    const result: SubmitResult = { runIds: [], batchIds: [] }
    for (const s of started) {
      if ('runId' in s) result.runIds.push(s.runId)
      else result.batchIds.push(s.batchId)
    }
    return ok(result)
  }

  /**
   * The run sheet's form for one workflow: its editable inputs typed by the target servers' /object_info
   * (the chosen one, else those that can run it), and the values they would refuse as they stand.
   */
  async inspect(req: InspectRequest): Promise<Result<InspectResult>> {
    const files = collectFiles({ ...(req.file ? { files: [req.file] } : {}), ...(req.text ? { text: req.text } : {}) })
    if (!files.ok) return files
    if (req.serverId && !this.deps.fleet.list().some((s) => s.id === req.serverId))
      return err('runs/unknown-server', `No server with id ${req.serverId}`)
    const farm = req.serverId ? null : ((await this.deps.farmObjectInfo?.()) ?? null)
    const options = this.intakeOptions(req.serverId ?? null, farm)
    const file = files.value[0]!
    const r = intakeFile(file, options)
    if (!r.ok) return r
    const ids = req.serverId ? [req.serverId] : (r.value.capableServers ?? Object.keys(options.objectInfoByServer))
    const infos = ids.map((id) => options.objectInfoByServer[id]).filter((i): i is ObjectInfo => i !== undefined)
    const values = this.checkValues(r.value, options.objectInfoByServer, req.serverId ?? null, farm)
    return ok({
      name: r.value.meta.workflowName ?? file.name,
      fields: editableFields(r.value.prompt, infos),
      problems: values.ok ? [] : problemsOf(values.error.details),
    })
  }

  private intakeOptions(
    serverId: string | null,
    farm: FarmObjectInfo | null
  ): {
    objectInfo: ObjectInfo | null
    objectInfoByServer: Record<string, ObjectInfo>
    serverNames: Record<string, string>
  } {
    const byServer: Record<string, ObjectInfo> = { ...farm?.byServer }
    for (const s of this.deps.fleet.list()) {
      if (!s.enabled) continue
      const info = this.deps.fleet.objectInfo(s.id)
      if (info) byServer[s.id] = info
    }
    const target = serverId ? (byServer[serverId] ?? null) : (Object.values(byServer)[0] ?? null)
    return { objectInfo: target, objectInfoByServer: byServer, serverNames: this.serverNames(farm) }
  }

  /** Input values against the /object_info of the servers that could run it (the chosen one, if any). */
  private checkValues(
    intake: IntakeResult,
    byServer: Record<string, ObjectInfo>,
    serverId: string | null,
    farm: FarmObjectInfo | null
  ): Result<string[]> {
    const ids = serverId ? [serverId] : (intake.capableServers ?? Object.keys(byServer))
    const infos: Record<string, ObjectInfo> = {}
    for (const id of ids) if (byServer[id]) infos[id] = byServer[id]
    return checkInputValues(intake.prompt, infos, this.serverNames(farm))
  }

  /** Server id → the name the user gave it (or its owner reported): intake's messages name servers by it. */
  private serverNames(farm: FarmObjectInfo | null): Record<string, string> {
    return { ...farm?.names, ...Object.fromEntries(this.deps.fleet.list().map((s) => [s.id, s.name])) }
  }

  private options(req: SubmitRequest): RunOptions {
    return {
      ...this.deps.defaults(),
      ...(req.priority !== undefined ? { priority: req.priority } : {}),
      ...(req.serverId ? { servers: [req.serverId] } : {}),
    }
  }

  /** One file's run or batch; a size refusal names the file. */
  private async startParsed(
    client: RunClient,
    p: ParsedFile,
    options: RunOptions,
    name?: string
  ): Promise<{ runId: string } | { batchId: string }> {
    try {
      if (p.sweep) return { batchId: await this.startBatch(client, p, p.sweep, options, name) }
      return { runId: await this.startOne(client, p, options, name) }
    } catch (e) {
      if (e instanceof RunInputTooLargeError) throw new RunInputTooLargeError(`${p.name}: ${e.message}`)
      throw e
    }
  }

  private async startOne(client: RunClient, p: ParsedFile, options: RunOptions, name?: string): Promise<string> {
    const runName = name ?? p.intake.meta.workflowName ?? p.name
    const extraPnginfo = p.intake.workflow ? { workflow: p.intake.workflow } : undefined
    const { runId } = await client.startRun({ prompt: p.intake.prompt, options, extraPnginfo, name: runName })
    this.deps.tracker.recordNewRun({
      id: runId,
      workflowId: runId,
      name: runName,
      prompt: p.intake.prompt,
      workflow: p.intake.workflow,
      batchId: null,
    })
    return runId
  }

  private async startBatch(
    client: RunClient,
    p: ParsedFile,
    sweep: BatchSweep,
    options: RunOptions,
    name?: string
  ): Promise<string> {
    const batchName = name ?? p.intake.meta.workflowName ?? p.name
    const extraPnginfo = p.intake.workflow ? { workflow: p.intake.workflow } : undefined
    const { batchId } = await client.startBatch({
      prompt: p.intake.prompt,
      sweep,
      options,
      extraPnginfo,
      name: batchName,
    })
    this.deps.tracker.recordNewBatch({
      id: batchId,
      name: batchName,
      prompt: p.intake.prompt,
      workflow: p.intake.workflow,
      sweep,
    })
    return batchId
  }

  async cancel(id: string): Promise<Result<null>> {
    const client = this.deps.runs()
    if (!client) return err('runs/temporal-down', 'The Temporal server is not reachable; try again when it is back.')
    const known = this.deps.cache.runs.getSummary(id)
    const isBatch = id.startsWith('batch-')
    if (!known && !isBatch) return err('runs/unknown', `No run ${id}`)
    if (known && isFinal(known.status)) return err('runs/already-finished', `Run ${id} already ${known.status}`)
    await client.cancel(known?.workflowId ?? id)
    return ok(null)
  }

  /** Run the same prompt again (same UI workflow attached), as a new run. */
  async rerun(id: string): Promise<Result<SubmitResult>> {
    const run = this.deps.cache.runs.getRun(id)
    if (!run) return err('runs/unknown', `No run ${id} in the history`)
    const client = this.deps.runs()
    if (!client) return err('runs/temporal-down', 'The Temporal server is not reachable, so no run can start now.')
    const extraPnginfo = run.workflow ? { workflow: run.workflow } : undefined
    const { runId } = await client.startRun({
      prompt: run.prompt,
      options: this.deps.defaults(),
      extraPnginfo,
      name: run.name,
    })
    this.deps.tracker.recordNewRun({
      id: runId,
      workflowId: runId,
      name: run.name,
      prompt: run.prompt,
      workflow: run.workflow,
      batchId: null,
    })
    return ok({ runIds: [runId], batchIds: [] })
  }

  list(limit = 200): RunSummary[] {
    const active = this.deps.cache.runs.listActive()
    const recent = this.deps.cache.runs.listRecent(limit)
    const seen = new Set(active.map((r) => r.id))
    return [...active, ...recent.filter((r) => !seen.has(r.id))].map((r) => this.deps.tracker.withLive(r))
  }

  async get(id: string): Promise<Result<RunDetail>> {
    const run = this.deps.cache.runs.getRun(id)
    if (!run) return err('runs/unknown', `No run ${id}`)
    const live = this.deps.tracker.withLive(run)
    const events = await this.deps.tracker.events(run)
    const titles = this.nodeTitles(run.prompt, run.serverId)
    const nodes = this.deps.tracker.liveNodes(id) ?? run.nodes
    return ok({
      ...run,
      ...live,
      nodes,
      nodeTitles: titles,
      events,
      temporalUrl: this.deps.temporalUrl(run.workflowId),
    })
  }

  /** Display names from the server's /object_info; `_meta.title` wins, as in ComfyUI. */
  private nodeTitles(prompt: RunDetail['prompt'], serverId: string | null): Record<string, string> {
    const info = (serverId && this.deps.fleet.objectInfo(serverId)) || this.anyObjectInfo()
    const titles: Record<string, string> = {}
    for (const [id, node] of Object.entries(prompt)) {
      titles[id] = node._meta?.title ?? info?.[node.class_type]?.display_name ?? node.class_type
    }
    return titles
  }

  private anyObjectInfo(): ObjectInfo | null {
    for (const s of this.deps.fleet.list()) {
      const info = this.deps.fleet.objectInfo(s.id)
      if (info) return info
    }
    return null
  }
}

/** The per-field problems of an `intake/invalid-inputs` error's details. */
function problemsOf(details: unknown): InputEditProblem[] {
  const problems = (details as { problems?: unknown } | undefined)?.problems
  if (!Array.isArray(problems)) return []
  return problems.map((p: InputEditProblem) => ({ nodeId: p.nodeId, input: p.input, message: p.message }))
}

function collectFiles(req: Pick<SubmitRequest, 'files' | 'text'>): Result<{ name: string; bytes: Uint8Array }[]> {
  const files: { name: string; bytes: Uint8Array }[] = []
  for (const f of req.files ?? []) {
    if (typeof f?.name !== 'string' || typeof f.dataBase64 !== 'string') {
      return err('runs/bad-file', 'Each file needs a name and its bytes as base64 (dataBase64)')
    }
    files.push({ name: f.name, bytes: Buffer.from(f.dataBase64, 'base64') })
  }
  if (typeof req.text === 'string' && req.text.trim())
    files.push({ name: 'pasted workflow', bytes: Buffer.from(req.text, 'utf8') })
  if (files.length === 0) return err('runs/nothing-to-run', 'Nothing to run: send a workflow file or pasted JSON text')
  return ok(files)
}

/** A seed or count sweep over a prompt without any seed would queue the same prompt N times: refuse it. */
function sweepHasSeed(prompt: ApiPrompt, sweep: BatchSweep, name: string): Result<null> {
  if (sweep.kind !== 'seeds' && sweep.kind !== 'count') return ok(null)
  if (setPromptSeeds(prompt, 0).changed > 0) return ok(null)
  return err(
    'runs/no-seed',
    `${name} has no seed or noise_seed input (literal or linked to a seed node), so every run of the batch would be the same.`
  )
}

function sweepOf(req: SubmitRequest): Result<BatchSweep | null> {
  if (req.seeds) {
    const { from, to } = req.seeds
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from) {
      return err('runs/bad-seeds', `Seed range must be whole numbers with 0 ≤ from ≤ to, not ${from}..${to}`)
    }
    if (to - from + 1 > MAX_BATCH) return err('runs/batch-too-large', `A batch may have at most ${MAX_BATCH} runs`)
    return ok({ kind: 'seeds', from, to })
  }
  if (req.count !== undefined && req.count !== 1) {
    if (!Number.isSafeInteger(req.count) || req.count < 1 || req.count > MAX_BATCH) {
      return err('runs/bad-count', `Count must be a whole number from 1 to ${MAX_BATCH}, not ${req.count}`)
    }
    return ok({ kind: 'count', count: req.count })
  }
  return ok(null)
}
