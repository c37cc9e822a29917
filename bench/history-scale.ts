/**
 * Benchmark 4, "History at scale": 100,000 synthetic runs with outputs in a real cache (SQLite file
 * in WAL mode + thumbnail files), then the four reads the history view makes: first page,
 * full-text search, filter + page 100 (following cursors), and a thumbnail read.
 *
 * Run: `npx tsx bench/history-scale.ts [--runs 100000]`. Prints a table, writes
 * bench/results/history-scale.json.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import sharp from 'sharp'
import { openCache, type Cache } from '../src-main/cache'
import { benchArgs } from './lib/args'
import type { HistoryQuery } from '../src-shared/contract/bridge'
import type { RunFinish } from '../src-shared/contract/cache'
import type { OutputRef } from '../src-shared/contract/runs'

const ARGS = benchArgs({ runs: 100_000 }, { strings: ['dir'] })
const RUNS = ARGS.num.runs
const THUMB_FILES = 2000
const SERVERS = 8
const WORDS = `cat dog fox owl wolf tiger dragon robot knight wizard witch castle forest river mountain ocean desert
  city street neon cyberpunk steampunk portrait landscape sunset sunrise dawn dusk night storm rain snow fog
  golden silver crimson azure emerald violet amber ivory obsidian marble glass crystal paper ink oil watercolor
  sketch photo cinematic dramatic soft moody vibrant pastel dark bright epic tiny giant ancient futuristic
  medieval baroque gothic minimal surreal abstract detailed intricate elegant rustic cozy lonely happy angry
  calm wild sacred haunted floating burning frozen broken blooming flower tree garden temple ruins ship train
  car bicycle lantern candle mirror window door bridge tower lighthouse market cafe library kitchen bedroom
  studio lighting bokeh closeup wide aerial macro octane unreal volumetric rim backlit highkey lowkey grain`
  .split(/\s+/)
  .filter(Boolean)
const MODELS = [
  'sd_xl_base_1.0.safetensors',
  'flux1-dev.safetensors',
  'flux1-schnell.safetensors',
  'v1-5-pruned-emaonly.safetensors',
  'juggernautXL_v9.safetensors',
  'dreamshaper_8.safetensors',
  'realvisxl_v4.safetensors',
  'sd3_medium.safetensors',
  'detail-tweaker.safetensors',
  'add-more-details.safetensors',
  'canny-controlnet.pth',
  '4x-UltraSharp.pth',
]

interface Stat {
  name: string
  targetMs: number
  medianMs: number
  p95Ms: number
  samples: number
  pass: boolean
  note: string
}

/** Deterministic PRNG (mulberry32) so every run of the bench builds the same data. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const rand = prng(20261126)
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T
/** Zipf-like word choice: a few words are common, most are rare, as in real prompts. */
const word = (): string => WORDS[Math.floor(WORDS.length * rand() ** 2)] as string

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
}

function measure(name: string, targetMs: number, samples: number, note: string, fn: (i: number) => void): Stat {
  for (let i = 0; i < 3; i++) fn(i) // warm the page cache and statement cache
  const times: number[] = []
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now()
    fn(i)
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  const p95 = percentile(times, 0.95)
  const median = percentile(times, 0.5)
  return { name, targetMs, medianMs: median, p95Ms: p95, samples, pass: median <= targetMs, note }
}

async function makeThumbnailImages(cache: Cache): Promise<OutputRef[]> {
  const refs: OutputRef[] = []
  for (let i = 0; i < THUMB_FILES; i++) {
    const png = await sharp({
      create: { width: 64 + (i % 64), height: 64, channels: 3, background: { r: i % 256, g: (i >> 8) % 256, b: 77 } },
    })
      .png()
      .toBuffer()
    const image = await cache.importImageBytes(png)
    if (!image.ok) throw new Error(image.error.message)
    const { hash, format, width, height, bytes } = image.value
    refs.push({
      hash,
      nodeId: '9',
      filename: `ComfyUI_${i}_.png`,
      subfolder: '',
      type: 'output',
      format,
      width,
      height,
      bytes,
    })
  }
  return refs
}

function loadRealRefs(cache: Cache): OutputRef[] {
  const hashes = readdirSync(join(cache.images.thumbsRoot), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.webp'))
    .map((f) => f.slice(-69, -5))
  return hashes.map((hash) => ({ ...syntheticOutput(0, 0), hash }))
}

function countOutputs(cache: Cache): number {
  return (cache.db.prepare('SELECT count(*) AS n FROM outputs').get() as { n: number }).n
}

function syntheticOutput(i: number, k: number): OutputRef {
  const hash = createHash('sha256').update(`synthetic-${i}-${k}`).digest('hex')
  return {
    hash,
    nodeId: String(9 + k),
    filename: `ComfyUI_${i}_.png`,
    subfolder: '',
    type: 'output',
    format: 'png',
    width: 1024,
    height: 1024,
    bytes: 1_500_000,
  }
}

function fill(cache: Cache, real: OutputRef[]): number {
  const start = Date.UTC(2026, 0, 1)
  const span = 330 * 24 * 3600 * 1000
  let outputs = 0
  const statuses: RunFinish['status'][] = [
    'completed',
    'completed',
    'completed',
    'completed',
    'completed',
    'completed',
    'failed',
    'cancelled',
  ]
  const insertAll = cache.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const createdAt = start + Math.floor((span * i) / RUNS)
      const server = `server-${i % SERVERS}`
      const positive = Array.from({ length: 8 + Math.floor(rand() * 10) }, word).join(' ')
      const models = [pick(MODELS.slice(0, 8)), ...(rand() < 0.4 ? [pick(MODELS.slice(8))] : [])]
      const id = `run-${String(i).padStart(6, '0')}`
      cache.runs.insertRun({
        id,
        workflowId: `wf-${id}`,
        name: `${pick(['txt2img', 'upscale', 'inpaint', 'portrait set', 'landscape batch'])} ${i}`,
        createdAt,
        status: 'running',
        serverId: server,
        serverName: `GPU ${i % SERVERS}`,
        prompt: { '3': { class_type: 'KSampler', inputs: { seed: i } } },
        positive,
        negative: 'blurry, lowres, watermark',
        seed: i,
        models,
      })
      const status = pick(statuses)
      const n = status === 'completed' ? 1 + Math.floor(rand() * 2) : 0
      const outs = Array.from({ length: n }, (_, k) => (i % 30 === 0 && k === 0 ? pick(real) : syntheticOutput(i, k)))
      outputs += outs.length
      cache.runs.finishRun(
        id,
        { status, finishedAt: createdAt + 9000, outputs: outs, serverId: server },
        createdAt + 9000
      )
    }
  })
  for (let from = 0; from < RUNS; from += 10_000) {
    const t0 = performance.now()
    insertAll(from, Math.min(RUNS, from + 10_000))
    process.stderr.write(`  filled ${Math.min(RUNS, from + 10_000)} runs (${(performance.now() - t0).toFixed(0)} ms)\n`)
  }
  return outputs
}

const FILTER_NOTE = 'alternating: server + completed + model | 30-day range + completed + text'

/** Two realistic filter shapes: a GPU and a checkpoint, or "last month's finished cats". */
function filterQuery(i: number): HistoryQuery {
  if (i % 2 === 0) return { serverId: `server-${i % SERVERS}`, status: ['completed'], model: pick(MODELS.slice(0, 8)) }
  const from = Date.UTC(2026, 0, 1) + (30 + (i % 200)) * 24 * 3600 * 1000
  return { from, to: from + 30 * 24 * 3600 * 1000, status: ['completed'], text: pick(['cat', 'castle', 'neon']) }
}

function follow(cache: Cache, query: HistoryQuery, pages: number): number {
  let cursor: string | null = null
  let items = 0
  for (let p = 0; p < pages; p++) {
    const page = cache.searchHistory({ ...query, cursor, limit: 100 })
    items += page.items.length
    cursor = page.nextCursor
    if (!cursor) break
  }
  return items
}

/** `--dir <path>` keeps the generated data there and reuses it on the next run (for tuning). */
const KEEP_DIR = ARGS.str('dir')

async function main(): Promise<void> {
  const reuse = KEEP_DIR !== undefined && existsSync(join(KEEP_DIR, 'comfyfleet.db'))
  const dir = KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'comfyfleet-bench-history-'))
  try {
    const cache = openCache(dir)
    let t0 = performance.now()
    const real = reuse ? loadRealRefs(cache) : await makeThumbnailImages(cache)
    const thumbsMs = performance.now() - t0
    t0 = performance.now()
    const outputs = reuse ? countOutputs(cache) : fill(cache, real)
    const fillMs = performance.now() - t0
    cache.close()
    // Reopen: the reads below start from a fresh connection, as after an app start.
    const reopened = openCache(dir)
    const searches = [
      'cat',
      'dragon castle',
      'neon city night',
      'flux1',
      'grain',
      'wiz',
      'crystal tower',
      '"portrait" *',
    ]
    const stats: Stat[] = [
      measure('first page (50, newest)', 20, 200, 'no filter', () => void reopened.searchHistory({})),
      measure('full-text search, first page', 50, 200, searches.join(' | '), (i) => {
        reopened.searchHistory({ text: searches[i % searches.length] })
      }),
      measure('filter + page 100 (10 pages via cursor, per page)', 20, 40, FILTER_NOTE, (i) => {
        const n = follow(reopened, filterQuery(i), 10)
        if (n === 0) throw new Error('filter returned nothing')
      }),
      measure('thumbnail read (lookup + read file)', 5, 2000, `${THUMB_FILES} real WebP files`, (i) => {
        const path = reopened.findThumbnail((real[(i * 7919) % real.length] as OutputRef).hash)
        if (!path) throw new Error('missing thumbnail')
        readFileSync(path)
      }),
    ]
    // The filter+page sample covered 10 pages: report it per page.
    const paged = stats[2] as Stat
    paged.medianMs /= 10
    paged.p95Ms /= 10
    paged.pass = paged.medianMs <= paged.targetMs
    report(stats, { runs: RUNS, outputs, fillMs, thumbsMs })
    reopened.close()
  } finally {
    if (!KEEP_DIR) rmSync(dir, { recursive: true, force: true })
  }
}

function report(stats: Stat[], setup: { runs: number; outputs: number; fillMs: number; thumbsMs: number }): void {
  console.log(`History at scale: ${setup.runs} runs, ${setup.outputs} outputs, ${THUMB_FILES} thumbnail files`)
  console.log(
    `(fill ${(setup.fillMs / 1000).toFixed(1)} s, thumbnails ${(setup.thumbsMs / 1000).toFixed(1)} s; PASS = median within target; p95 shown for spread)`
  )
  const rows = stats.map((s) => ({
    measure: s.name,
    'median ms': s.medianMs.toFixed(2),
    'p95 ms': s.p95Ms.toFixed(2),
    'target ms': s.targetMs,
    'median/target': (s.medianMs / s.targetMs).toFixed(2),
    result: s.pass ? 'PASS' : 'MISS',
  }))
  console.table(rows)
  const out = join(__dirname, 'results')
  mkdirSync(out, { recursive: true })
  writeFileSync(
    join(out, 'history-scale.json'),
    JSON.stringify(
      {
        benchmark: 'history-scale',
        date: new Date().toISOString(),
        node: process.version,
        ...setup,
        thumbFiles: THUMB_FILES,
        stats,
      },
      null,
      2
    )
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
