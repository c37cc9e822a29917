/**
 * Deterministic fake pixels. A "generated" image is a cheap colour pattern (two gradients and a disc)
 * whose parameters come from a 32-bit seed, itself a hash of the node's cache signature — so the same
 * prompt always yields the same picture and any change of seed, text or size yields another.
 */

/** How an image's pixels are made. */
export type Fill = { type: 'solid'; rgb: readonly [number, number, number] } | { type: 'pattern'; seed: number }

/** 32-bit FNV-1a of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function rng(seed: number): () => number {
  let x = seed || 0x9e3779b9
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 0x100000000
  }
}

/** Render one image of a batch as RGB bytes. */
export function renderFill(fill: Fill, width: number, height: number, batchIndex: number, invert: boolean): Uint8Array {
  const out = new Uint8Array(width * height * 3)
  if (fill.type === 'solid') {
    const [r, g, b] = invert ? fill.rgb.map((v) => 255 - v) : fill.rgb
    for (let i = 0; i < out.length; i += 3) {
      out[i] = r ?? 0
      out[i + 1] = g ?? 0
      out[i + 2] = b ?? 0
    }
    return out
  }
  const rand = rng((fill.seed ^ Math.imul(batchIndex + 1, 0x27d4eb2d)) >>> 0)
  const base = [rand() * 255, rand() * 255, rand() * 255]
  const dx = [rand() * 2 - 1, rand() * 2 - 1, rand() * 2 - 1]
  const dy = [rand() * 2 - 1, rand() * 2 - 1, rand() * 2 - 1]
  const cx = rand() * width
  const cy = rand() * height
  const r2 = (0.1 + rand() * 0.3) ** 2 * Math.min(width, height) ** 2
  const disc = [rand() * 255, rand() * 255, rand() * 255]
  const inv = invert ? 255 : 0
  let i = 0
  for (let y = 0; y < height; y++) {
    const fy = (y / height) * 255
    const ddy = (y - cy) * (y - cy)
    for (let x = 0; x < width; x++) {
      const fx = (x / width) * 255
      const inDisc = (x - cx) * (x - cx) + ddy < r2
      for (let c = 0; c < 3; c++) {
        const v = inDisc ? (disc[c] ?? 0) : (base[c] ?? 0) + fx * (dx[c] ?? 0) + fy * (dy[c] ?? 0)
        const clamped = v < 0 ? -v : v > 255 ? 510 - v : v
        out[i++] = Math.abs(inv - (clamped | 0)) & 0xff
      }
    }
  }
  return out
}
