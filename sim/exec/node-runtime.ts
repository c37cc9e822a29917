/**
 * What each node "computes" in the simulator: lightweight descriptors instead of tensors. Images and
 * latents carry their size and batch so VAEDecode/ImageScale/SaveImage produce files of the right size;
 * pixels are only rendered when a file is written.
 */
import type { NodeDef } from '../catalog/types'
import type { Fill } from '../media/pattern'
import { hash32 } from '../media/pattern'
import { pyNumber } from '../py/py-json'
import type { PyValue } from '../py/py-json'

export interface SimImage {
  kind: 'IMAGE'
  width: number
  height: number
  batch: number
  fill: Fill
  invert: boolean
}
export interface SimLatent {
  kind: 'LATENT'
  width: number
  height: number
  batch: number
  seed: number
}
export interface SimOpaque {
  kind: 'OPAQUE'
  type: string
  seed: number
  /** SIGMAS from a scheduler: how many sampler steps they describe. */
  steps?: number
}
export type SimValue = SimImage | SimLatent | SimOpaque

/** A node's inputs after links are resolved: literals stay PyValues, links become SimValues. */
export type ResolvedInputs = Map<string, PyValue | SimValue>

/** Size of a file in the input folder, for LoadImage. */
export type InputImageProbe = (name: string) => { width: number; height: number; hash: string } | null

function isSim(v: PyValue | SimValue | undefined): v is SimValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && 'kind' in v
}

function int(inputs: ResolvedInputs, name: string, fallback: number): number {
  const v = inputs.get(name)
  const n = isSim(v) ? undefined : pyNumber(v)
  return n === undefined ? fallback : Math.trunc(n)
}

function float(inputs: ResolvedInputs, name: string, fallback: number): number {
  const v = inputs.get(name)
  const n = isSim(v) ? undefined : pyNumber(v)
  return n === undefined ? fallback : n
}

function firstOf<K extends SimValue['kind']>(
  inputs: ResolvedInputs,
  kind: K
): Extract<SimValue, { kind: K }> | undefined {
  for (const v of inputs.values()) if (isSim(v) && v.kind === kind) return v as Extract<SimValue, { kind: K }>
  return undefined
}

/** Resize keeping aspect when one side is 0 (ImageScale / LatentUpscale semantics). */
function resize(w0: number, h0: number, w: number, h: number, min: number): [number, number] {
  if (w === 0 && h === 0) return [w0, h0]
  if (w === 0) return [Math.max(min, Math.round((w0 * h) / h0)), Math.max(min, h)]
  if (h === 0) return [Math.max(min, w), Math.max(min, Math.round((h0 * w) / w0))]
  return [Math.max(min, w), Math.max(min, h)]
}

const NEUTRAL_IMAGE: SimImage = {
  kind: 'IMAGE',
  width: 512,
  height: 512,
  batch: 1,
  fill: { type: 'pattern', seed: 1 },
  invert: false,
}

type Runner = (inputs: ResolvedInputs, seed: number, probe: InputImageProbe) => SimValue[]

const RUNNERS: Record<string, Runner> = {
  EmptyImage: (i) => {
    const color = int(i, 'color', 0)
    const rgb = [(color >> 16) & 0xff, (color >> 8) & 0xff, color & 0xff] as const
    return [
      {
        kind: 'IMAGE',
        width: int(i, 'width', 512),
        height: int(i, 'height', 512),
        batch: int(i, 'batch_size', 1),
        fill: { type: 'solid', rgb },
        invert: false,
      },
    ]
  },
  EmptyLatentImage: (i, seed) => [latent(i, seed)],
  EmptySD3LatentImage: (i, seed) => [latent(i, seed)],
  VAEDecode: (i, seed) => [decode(firstOf(i, 'LATENT'), seed)],
  VAEDecodeTiled: (i, seed) => [decode(firstOf(i, 'LATENT'), seed)],
  VAEEncode: (i, seed) => {
    const img = firstOf(i, 'IMAGE') ?? NEUTRAL_IMAGE
    return [
      {
        kind: 'LATENT',
        width: img.width - (img.width % 8),
        height: img.height - (img.height % 8),
        batch: img.batch,
        seed,
      },
    ]
  },
  LatentUpscale: (i, seed) => {
    const l = firstOf(i, 'LATENT') ?? { kind: 'LATENT', width: 512, height: 512, batch: 1, seed }
    const [w, h] = resize(l.width, l.height, int(i, 'width', 512), int(i, 'height', 512), 64)
    return [{ ...l, width: w - (w % 8), height: h - (h % 8), seed }]
  },
  LatentUpscaleBy: (i, seed) => {
    const l = firstOf(i, 'LATENT') ?? { kind: 'LATENT', width: 512, height: 512, batch: 1, seed }
    const s = float(i, 'scale_by', 1.5)
    return [{ ...l, width: Math.round((l.width / 8) * s) * 8, height: Math.round((l.height / 8) * s) * 8, seed }]
  },
  ImageScale: (i) => {
    const img = firstOf(i, 'IMAGE') ?? NEUTRAL_IMAGE
    const [w, h] = resize(img.width, img.height, int(i, 'width', 512), int(i, 'height', 512), 1)
    return [{ ...img, width: w, height: h }]
  },
  ImageScaleBy: (i) => {
    const img = firstOf(i, 'IMAGE') ?? NEUTRAL_IMAGE
    const s = float(i, 'scale_by', 1)
    return [{ ...img, width: Math.max(1, Math.round(img.width * s)), height: Math.max(1, Math.round(img.height * s)) }]
  },
  ImageInvert: (i) => {
    const img = firstOf(i, 'IMAGE') ?? NEUTRAL_IMAGE
    return [{ ...img, invert: !img.invert }]
  },
  ImageUpscaleWithModel: (i) => {
    const img = firstOf(i, 'IMAGE') ?? NEUTRAL_IMAGE
    return [{ ...img, width: img.width * 4, height: img.height * 4 }]
  },
  BasicScheduler: (i, seed) => {
    const steps = int(i, 'steps', 20)
    const denoise = float(i, 'denoise', 1)
    return [{ kind: 'OPAQUE', type: 'SIGMAS', seed, steps: denoise > 0 ? Math.round(steps) : 0 }]
  },
  LoadImage: (i, seed, probe) => {
    const name = i.get('image')
    const info = typeof name === 'string' ? probe(name) : null
    const width = info?.width ?? 512
    const height = info?.height ?? 512
    const fill: Fill = { type: 'pattern', seed: info ? hash32(info.hash) : seed }
    return [
      { kind: 'IMAGE', width, height, batch: 1, fill, invert: false },
      { kind: 'OPAQUE', type: 'MASK', seed },
    ]
  },
}

function latent(i: ResolvedInputs, seed: number): SimLatent {
  return {
    kind: 'LATENT',
    width: int(i, 'width', 512),
    height: int(i, 'height', 512),
    batch: int(i, 'batch_size', 1),
    seed,
  }
}

function decode(l: SimLatent | undefined, seed: number): SimImage {
  const src = l ?? { width: 512, height: 512, batch: 1 }
  return {
    kind: 'IMAGE',
    width: src.width,
    height: src.height,
    batch: src.batch,
    fill: { type: 'pattern', seed },
    invert: false,
  }
}

/** Sampler: the latent keeps its size and gets a new content seed. */
function sample(def: NodeDef, i: ResolvedInputs, seed: number): SimValue[] {
  const l = firstOf(i, 'LATENT') ?? { kind: 'LATENT' as const, width: 512, height: 512, batch: 1, seed }
  return def.output.map((_, slot) => ({ ...l, seed: seed + slot }))
}

/** Run a node: returns one value per declared output. */
export function runNode(def: NodeDef, inputs: ResolvedInputs, signature: string, probe: InputImageProbe): SimValue[] {
  const seed = hash32(signature)
  const runner = RUNNERS[def.name]
  if (runner) return runner(inputs, seed, probe)
  if (def.behaviour?.kind === 'sampler') return sample(def, inputs, seed)
  // Pass-through for everything else: same-kind inputs flow on (with a new seed), others are opaque.
  return def.output.map((type, slot) => {
    if (type === 'IMAGE') {
      const img = firstOf(inputs, 'IMAGE')
      if (img) return { ...img, fill: { type: 'pattern', seed: seed + slot } }
    }
    if (type === 'LATENT') {
      const l = firstOf(inputs, 'LATENT')
      if (l) return { ...l, seed: seed + slot }
    }
    return { kind: 'OPAQUE', type, seed: seed + slot }
  })
}

/** Number of sampler steps a sampler node will run (KSamplerAdvanced honours start/end). */
export function samplerSteps(def: NodeDef, inputs: ResolvedInputs): number {
  if (def.behaviour?.kind !== 'sampler') return 0
  const sigmas = inputs.get(def.behaviour.stepsInput)
  if (isSim(sigmas)) return sigmas.kind === 'OPAQUE' ? (sigmas.steps ?? 20) : 20
  const steps = int(inputs, def.behaviour.stepsInput, 20)
  if (!def.behaviour.endInput) return Math.max(0, steps)
  const start = int(inputs, def.behaviour.startInput ?? '', 0)
  const end = Math.min(int(inputs, def.behaviour.endInput, 10000), steps)
  return Math.max(0, end - start)
}

/** Is this a resolved SimValue (not a literal)? */
export function isSimValue(v: PyValue | SimValue | undefined): v is SimValue {
  return isSim(v)
}
