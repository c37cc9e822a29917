/**
 * ComfyUI's HTTP routes (server.py, baseline 0.3.64), each served bare and under /api.
 * Bodies and status codes follow the protocol reference §2–§6; unguarded request.json() failures give
 * aiohttp's generic 500, like the real server.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { freemem, totalmem } from 'node:os'
import { basename, dirname, extname, join, normalize, parse as parsePath, resolve, sep } from 'node:path'
import { createHash } from 'node:crypto'
import { mimeTypeOf, OCTET_STREAM } from '../../src-shared/media/mime-types'
import { MODEL_FOLDERS, NODE_CATALOG, nodeInfo, objectInfoRaw } from '../catalog/object-info'
import type { SimCore } from '../core'
import { validatePrompt } from '../exec/validate'
import { pyFloat } from '../py/py-convert'
import { isDict, parsePyJson, pyStr } from '../py/py-json'
import type { PyFloat } from '../py/py-json'
import type { Dumpable, PyDict, PyValue } from '../py/py-json'
import type { HistoryEntry, QueueItem } from '../state/prompt-queue'
import { SERVER_FEATURES } from './ws-hub'
import { empty, internalError, json, parseMultipart, text } from './http-util'
import type { Reply } from './http-util'

/** What a handler sees of the request. */
export interface RouteContext {
  url: URL
  params: Record<string, string>
  headers: Record<string, string | string[] | undefined>
  body(): Promise<Buffer>
  /** Port the server listens on (for /system_stats argv). */
  port: number
}

export type Handler = (ctx: RouteContext) => Promise<Reply> | Reply

/** A route: method, path pattern with {param} segments, handler. */
export interface Route {
  method: 'GET' | 'POST'
  path: string
  handler: Handler
}

export const COMFYUI_VERSION = '0.3.64'
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Parse a JSON body like aiohttp's request.json() (malformed → thrown, answered as 500). */
async function jsonBody(ctx: RouteContext): Promise<PyValue> {
  const buf = await ctx.body()
  return parsePyJson(buf.toString('utf8'))
}

function dictBody(v: PyValue): PyDict {
  // ComfyUI indexes the body as a dict; anything else raises inside the handler → 500.
  if (!isDict(v)) throw new Error('body is not a JSON object')
  return v
}

/** Build ComfyUI's routes for one server. */
export function comfyRoutes(core: SimCore): Route[] {
  return [
    { method: 'GET', path: '/', handler: () => indexPage(core) },
    {
      method: 'GET',
      path: '/embeddings',
      handler: () => json((core.config.models.embeddings ?? []).map((f) => parsePath(f).name)),
    },
    { method: 'GET', path: '/models', handler: () => json([...MODEL_FOLDERS]) },
    { method: 'GET', path: '/models/{folder}', handler: (c) => modelsIn(core, c.params.folder ?? '') },
    { method: 'GET', path: '/extensions', handler: () => json([]) },
    { method: 'GET', path: '/features', handler: () => json(SERVER_FEATURES) },
    { method: 'GET', path: '/system_stats', handler: (c) => json(systemStats(core, c.port)) },
    { method: 'GET', path: '/prompt', handler: () => json(core.queueInfo()) },
    // A plain GET on the WebSocket path: aiohttp's WebSocketResponse.prepare() refuses it.
    {
      method: 'GET',
      path: '/ws',
      handler: () => text(400, 'No WebSocket UPGRADE hdr: None\n Can "Upgrade" only to "WebSocket".'),
    },
    { method: 'POST', path: '/prompt', handler: (c) => postPrompt(core, c) },
    {
      method: 'GET',
      path: '/object_info',
      handler: () => json(objectInfoRaw(core.config.models, core.files.inputFiles())),
    },
    {
      method: 'GET',
      path: '/object_info/{node_class}',
      handler: (c) => objectInfoOne(core, c.params.node_class ?? ''),
    },
    { method: 'GET', path: '/history', handler: (c) => getHistory(core, c.url) },
    { method: 'GET', path: '/history/{prompt_id}', handler: (c) => getHistoryOne(core, c.params.prompt_id ?? '') },
    { method: 'POST', path: '/history', handler: (c) => postHistory(core, c) },
    { method: 'GET', path: '/queue', handler: () => getQueue(core) },
    { method: 'POST', path: '/queue', handler: (c) => postQueue(core, c) },
    { method: 'POST', path: '/interrupt', handler: (c) => postInterrupt(core, c) },
    { method: 'POST', path: '/free', handler: (c) => postFree(core, c) },
    { method: 'GET', path: '/view', handler: (c) => view(core, c.url) },
    { method: 'GET', path: '/view_metadata/{folder_name}', handler: () => empty(404) },
    { method: 'POST', path: '/upload/image', handler: (c) => uploadImage(core, c) },
  ]
}

function indexPage(core: SimCore): Reply {
  const html = `<!DOCTYPE html><html><head><title>ComfyUI</title></head><body><p>ComfyUI simulator ${core.config.name} (protocol ${COMFYUI_VERSION}). There is no frontend; use the API.</p></body></html>`
  return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: html }
}

function modelsIn(core: SimCore, folder: string): Reply {
  const key = folder === 'unet' ? 'diffusion_models' : folder === 'clip' ? 'text_encoders' : folder
  if (!(MODEL_FOLDERS as readonly string[]).includes(key)) return text(404, '404: Not Found')
  return json(core.config.models[key] ?? [])
}

function systemStats(core: SimCore, port: number): Dumpable {
  const d = core.config.device
  return {
    system: {
      os: 'posix',
      ram_total: totalmem(),
      ram_free: freemem(),
      comfyui_version: core.config.comfyuiVersion ?? COMFYUI_VERSION,
      required_frontend_version: '1.27.10',
      installed_templates_version: '0.1.95',
      required_templates_version: '0.1.95',
      python_version: '3.12.3 (main, Aug 14 2025, 17:47:21) [GCC 13.3.0]',
      pytorch_version: '2.8.0+cu128',
      embedded_python: false,
      argv: ['main.py', '--listen', '127.0.0.1', '--port', String(port)],
    },
    devices: [
      {
        name: d.name,
        type: 'cuda',
        index: 0,
        vram_total: d.vramTotal,
        vram_free: d.vramFree,
        torch_vram_total: Math.min(d.vramTotal, 2 * 1024 ** 3),
        torch_vram_free: Math.min(d.vramFree, 1024 ** 3),
      },
    ],
  }
}

function objectInfoOne(core: SimCore, nodeClass: string): Reply {
  const def = NODE_CATALOG.get(nodeClass)
  if (!def) return json({})
  return json({ [nodeClass]: nodeInfo(def, core.config.models, core.files.inputFiles()) })
}

/** Python's str() of the client-supplied prompt_id. */
function promptIdString(v: PyValue): string {
  return pyStr(v)
}

async function postPrompt(core: SimCore, ctx: RouteContext): Promise<Reply> {
  if (core.faults.refusePrompt) return text(503, '503: Service Unavailable')
  const body = dictBody(await jsonBody(ctx))
  let number: number | PyFloat
  if (body.has('number')) {
    number = pyFloat(body.get('number') as PyValue)
  } else {
    number = core.number
    if (body.has('front') && body.get('front')) number = -number
    core.number++
  }
  if (!body.has('prompt')) {
    const error = { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} }
    return json({ error, node_errors: {} }, 400)
  }
  const idValue = body.get('prompt_id')
  let promptId: string
  if (core.config.uuidPromptIds) {
    if (idValue === undefined || idValue === null) promptId = randomUUID()
    else if (typeof idValue === 'string' && UUID_RE.test(idValue)) promptId = idValue
    else {
      const error = {
        type: 'invalid_prompt_id',
        message: 'prompt_id must be a valid UUID',
        details: 'prompt_id must be a UUID in canonical lowercase hyphenated form',
        extra_info: {},
      }
      return json({ error, node_errors: {} }, 400)
    }
    if (knownPromptId(core, promptId)) return json({ error: 'prompt_id already exists' }, 409)
  } else if (core.config.ignoreClientPromptId) {
    // Before ComfyUI PR #8189 the body's prompt_id was not read at all.
    promptId = randomUUID()
  } else {
    promptId = idValue === undefined ? randomUUID() : promptIdString(idValue)
  }
  const prompt = body.get('prompt') as PyValue
  if (!isDict(prompt)) throw new Error('prompt is not a dict')
  const result = validatePrompt(prompt, body.get('partial_execution_targets'), core.catalog)
  const extraRaw = body.get('extra_data')
  const extraData: PyDict = isDict(extraRaw) ? extraRaw : new Map<string, PyValue>()
  if (body.has('client_id')) extraData.set('client_id', body.get('client_id') as PyValue)
  const nodeErrors = new Map<string, Dumpable>()
  for (const [id, e] of result.nodeErrors) nodeErrors.set(id, { ...e })
  if (!result.ok) return json({ error: { ...result.error }, node_errors: nodeErrors }, 400)
  const item: QueueItem = { number, promptId, prompt, extraData, outputs: result.outputs }
  core.enqueue(item)
  return json({ prompt_id: promptId, number, node_errors: nodeErrors })
}

function knownPromptId(core: SimCore, id: string): boolean {
  if (core.queue.history.has(id)) return true
  if (core.queue.heap.some((i) => i.promptId === id)) return true
  return [...core.queue.running.values()].some((i) => i.promptId === id)
}

function queueTuple(item: QueueItem): Dumpable {
  return [item.number, item.promptId, item.prompt, item.extraData, item.outputs]
}

function getQueue(core: SimCore): Reply {
  return json({
    queue_running: [...core.queue.running.values()].map(queueTuple),
    queue_pending: core.queue.heap.map(queueTuple),
  })
}

async function postQueue(core: SimCore, ctx: RouteContext): Promise<Reply> {
  const body = dictBody(await jsonBody(ctx))
  if (body.has('clear') && body.get('clear')) {
    core.queue.wipe()
    core.broadcastStatus()
  }
  const del = body.get('delete')
  if (Array.isArray(del)) {
    for (const id of del) if (typeof id === 'string' && core.queue.deleteFirst(id)) core.broadcastStatus()
  }
  return empty(200)
}

function historyEntry(e: HistoryEntry): Dumpable {
  return { prompt: e.prompt, outputs: e.outputs, status: { ...e.status }, meta: e.meta }
}

function getHistory(core: SimCore, url: URL): Reply {
  const maxRaw = url.searchParams.get('max_items')
  const offRaw = url.searchParams.get('offset')
  const parse = (s: string): number => {
    if (!/^\s*[+-]?\d+\s*$/.test(s)) throw new Error(`invalid literal for int() with base 10: '${s}'`)
    return Number(s)
  }
  const maxItems = maxRaw === null ? null : parse(maxRaw)
  let offset = offRaw === null ? -1 : parse(offRaw)
  const h = core.queue.history
  if (offset < 0 && maxItems !== null) offset = h.size - maxItems
  const out = new Map<string, Dumpable>()
  let i = 0
  for (const [k, e] of h) {
    if (i >= offset) {
      out.set(k, historyEntry(e))
      if (maxItems !== null && out.size >= maxItems) break
    }
    i++
  }
  return json(out)
}

function getHistoryOne(core: SimCore, id: string): Reply {
  const e = core.queue.history.get(id)
  if (e === undefined && core.faults.spoofHistory) return json(new Map([[id, spoofedEntry(id)]]))
  return json(e ? new Map([[id, historyEntry(e)]]) : {})
}

/** The hostile fault: "success" for a prompt this server never received, with an image it never made. */
function spoofedEntry(id: string): Dumpable {
  const image = { filename: `SPOOF_${id.slice(0, 8)}.png`, subfolder: '', type: 'output' }
  const now = Date.now()
  return {
    prompt: [0, id, { '9': { class_type: 'SaveImage', inputs: {} } }, {}, ['9']],
    outputs: { '9': { images: [image] } },
    status: {
      status_str: 'success',
      completed: true,
      messages: [
        ['execution_start', { prompt_id: id, timestamp: now }],
        ['execution_success', { prompt_id: id, timestamp: now }],
      ],
    },
    meta: {},
  }
}

async function postHistory(core: SimCore, ctx: RouteContext): Promise<Reply> {
  const body = dictBody(await jsonBody(ctx))
  if (body.has('clear') && body.get('clear')) core.queue.history.clear()
  const del = body.get('delete')
  if (Array.isArray(del)) for (const id of del) if (typeof id === 'string') core.queue.history.delete(id)
  return empty(200)
}

async function postInterrupt(core: SimCore, ctx: RouteContext): Promise<Reply> {
  let body: PyValue
  try {
    body = await jsonBody(ctx)
  } catch {
    // /interrupt tolerates an empty or invalid body.
    body = null
  }
  const pid = isDict(body) ? body.get('prompt_id') : undefined
  // `if prompt_id:` — empty/None means a global interrupt.
  if (pid !== undefined && pid !== null && pid !== '' && pid !== false && pid !== 0) core.interrupt(pyStr(pid))
  else core.interrupt(null)
  return empty(200)
}

async function postFree(core: SimCore, ctx: RouteContext): Promise<Reply> {
  const body = dictBody(await jsonBody(ctx))
  core.requestFree(body.get('unload_models') === true, body.get('free_memory') === true)
  return empty(200)
}

const FORCE_DOWNLOAD = new Set(['.html', '.htm', '.xhtml', '.js', '.mjs', '.css'])

async function view(core: SimCore, url: URL): Promise<Reply> {
  const q = url.searchParams
  const requested = q.get('filename')
  if (requested === null) return empty(404)
  const annotated = core.files.annotated(requested)
  let filename = annotated.name
  let dir = annotated.dir
  if (!filename) return empty(400)
  if (filename.startsWith('/') || filename.includes('..')) return empty(400)
  dir ??= core.files.dirOf(q.get('type') ?? 'output')
  if (dir === null) return empty(400)
  const sub = q.get('subfolder')
  if (sub !== null) {
    const full = resolve(dir, sub)
    if (full !== dir && !full.startsWith(dir + sep)) return empty(403)
    dir = full
  }
  filename = basename(filename)
  const file = join(dir, filename)
  if (!core.files.isFile(file)) return empty(404)
  const disposition = `filename="${filename}"`
  core.noteView(filename)
  if (q.has('preview') || (q.get('channel') ?? 'rgba') !== 'rgba') return reencode(file, q, disposition)
  const ext = extname(filename).toLowerCase()
  const type = FORCE_DOWNLOAD.has(ext) ? 'application/octet-stream' : (mimeTypeOf(ext) ?? OCTET_STREAM)
  return {
    status: 200,
    headers: { 'Content-Type': type, 'Content-Disposition': disposition },
    body: readFileSync(file),
  }
}

/** ?preview=webp;90 / jpeg and ?channel=rgb|a, re-encoded with sharp like ComfyUI does with Pillow. */
async function reencode(file: string, q: URLSearchParams, disposition: string): Promise<Reply> {
  const sharp = (await import('sharp')).default
  const channelParam = q.get('channel') ?? ''
  const channel = channelParam || 'rgba'
  const img = sharp(readFileSync(file))
  if (q.has('preview')) {
    const info = (q.get('preview') ?? '').split(';')
    let format = info[0] === 'jpeg' || info[0] === 'webp' ? info[0] : 'webp'
    if (channelParam.includes('a')) format = 'webp'
    const last = info[info.length - 1] ?? ''
    const quality = /^\d+$/.test(last) ? Number(last) : 90
    const out =
      format === 'jpeg' || channel === 'rgb'
        ? await img.removeAlpha()[format === 'jpeg' ? 'jpeg' : 'webp']({ quality }).toBuffer()
        : await img.webp({ quality }).toBuffer()
    return {
      status: 200,
      headers: { 'Content-Type': `image/${format}`, 'Content-Disposition': disposition },
      body: out,
    }
  }
  if (channel === 'rgb') {
    const out = await img.removeAlpha().png().toBuffer()
    return { status: 200, headers: { 'Content-Type': 'image/png', 'Content-Disposition': disposition }, body: out }
  }
  const meta = await img.metadata()
  const alpha = meta.hasAlpha
    ? await sharp(readFileSync(file)).extractChannel(3).raw().toBuffer()
    : Buffer.alloc((meta.width ?? 1) * (meta.height ?? 1), 255)
  const w = meta.width ?? 1
  const h = meta.height ?? 1
  const rgba = Buffer.alloc(w * h * 4)
  for (let i = 0; i < w * h; i++) rgba[i * 4 + 3] = alpha[i] ?? 255
  const out = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
    .png()
    .toBuffer()
  return { status: 200, headers: { 'Content-Type': 'image/png', 'Content-Disposition': disposition }, body: out }
}

async function uploadImage(core: SimCore, ctx: RouteContext): Promise<Reply> {
  const contentType = ctx.headers['content-type']
  const form = parseMultipart(typeof contentType === 'string' ? contentType : undefined, await ctx.body())
  if (!form) return internalError()
  const typeField = form.get('type')?.data.toString('utf8')
  const uploadType = typeField ?? 'input'
  const uploadDir = core.files.dirOf(uploadType)
  // ComfyUI hits an unbound variable for other types → 500.
  if (uploadDir === null) return internalError()
  const image = form.get('image')
  if (!image || image.filename === undefined) return empty(400)
  let filename = image.filename
  if (!filename) return empty(400)
  const subfolder = form.get('subfolder')?.data.toString('utf8') ?? ''
  const folder = resolve(uploadDir, normalize(subfolder === '' ? '.' : subfolder))
  let filepath = resolve(folder, filename)
  if (filepath !== uploadDir && !filepath.startsWith(uploadDir + sep)) return empty(400)
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true })
  const overwrite = form.get('overwrite')?.data.toString('utf8')
  let duplicate = false
  if (overwrite !== 'true' && overwrite !== '1') {
    const ext = extname(filename)
    const stem = filename.slice(0, filename.length - ext.length)
    for (let i = 1; existsSync(filepath); i++) {
      if (sha256(readFileSync(filepath)) === sha256(image.data)) {
        duplicate = true
        break
      }
      filename = `${stem} (${i})${ext}`
      filepath = join(folder, filename)
    }
  }
  if (!duplicate) {
    mkdirSync(dirname(filepath), { recursive: true })
    writeFileSync(filepath, image.data)
  }
  return json({ name: filename, subfolder, type: uploadType })
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex')
}
