/**
 * A Gantt chart of one system on one scenario as a small standalone SVG: one lane per GPU, one bar per
 * run coloured by its checkpoint, its model load drawn as a dark hatched head (a reload is what model
 * affinity saves), and the moments a GPU died or joined. Pure: spans in, SVG text out.
 */

export interface GanttSpan {
  /** ms from t0. */
  start: number
  end: number
  model: string
  /** ms of the span spent loading models. */
  loadMs: number
  /** A run that needed a rare capability (drawn with an outline). */
  marked?: boolean
  urgent?: boolean
}

export interface GanttLane {
  name: string
  speed: number
  spans: GanttSpan[]
}

export interface GanttInput {
  title: string
  lanes: GanttLane[]
  /** ms from t0 of the last completion. */
  makespanMs: number
  lowerBoundMs: number
  events: Array<{ label: string; at: number }>
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948']
const LEFT = 110
const WIDTH = 900
const LANE_H = 26
const TOP = 34

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const f = (n: number): string => (Math.round(n * 10) / 10).toString()

/** Colours by model in order of first appearance, the same on every chart of a scenario when given `models`. */
export function ganttSvg(input: GanttInput, models: string[]): string {
  const span = Math.max(input.makespanMs, input.lowerBoundMs, 1)
  const x = (ms: number): number => LEFT + (Math.max(0, ms) / span) * (WIDTH - LEFT - 10)
  const colour = (m: string): string => PALETTE[Math.max(0, models.indexOf(m)) % PALETTE.length]!
  const height = TOP + input.lanes.length * LANE_H + 44
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="11">`,
    '<defs><pattern id="load" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="4" fill="#222"/></pattern></defs>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="16" font-size="13" font-weight="bold">${esc(input.title)}</text>`,
  ]
  input.lanes.forEach((lane, i) => {
    const y = TOP + i * LANE_H
    out.push(`<text x="8" y="${y + 16}">${esc(lane.name)} (×${lane.speed})</text>`)
    out.push(`<rect x="${LEFT}" y="${y + 2}" width="${WIDTH - LEFT - 10}" height="${LANE_H - 4}" fill="#f3f3f3"/>`)
    for (const s of lane.spans) {
      const x0 = x(s.start)
      const w = Math.max(0.5, x(s.end) - x0)
      const stroke = s.urgent ? ' stroke="#d00" stroke-width="2"' : s.marked ? ' stroke="#000" stroke-width="1"' : ''
      out.push(
        `<rect x="${f(x0)}" y="${y + 3}" width="${f(w)}" height="${LANE_H - 6}" fill="${colour(s.model)}"${stroke}/>`
      )
      if (s.loadMs > 0) {
        const lw = Math.max(0.5, Math.min(w, x(s.start + s.loadMs) - x0))
        out.push(`<rect x="${f(x0)}" y="${y + 3}" width="${f(lw)}" height="${LANE_H - 6}" fill="url(#load)"/>`)
      }
    }
  })
  const bottom = TOP + input.lanes.length * LANE_H
  const lb = x(input.lowerBoundMs)
  out.push(`<line x1="${f(lb)}" y1="${TOP}" x2="${f(lb)}" y2="${bottom}" stroke="#090" stroke-dasharray="4 3"/>`)
  for (const e of input.events) {
    const ex = x(e.at)
    out.push(`<line x1="${f(ex)}" y1="${TOP}" x2="${f(ex)}" y2="${bottom}" stroke="#d00"/>`)
    out.push(`<text x="${f(ex + 2)}" y="${TOP - 4}" fill="#d00">${esc(e.label)}</text>`)
  }
  const legend = models.map(
    (m, i) => `<tspan fill="${colour(m)}">■</tspan> ${esc(m)}${i < models.length - 1 ? '   ' : ''}`
  )
  out.push(
    `<text x="${LEFT}" y="${bottom + 16}">makespan ${f(input.makespanMs / 1000)} s · lower bound ${f(input.lowerBoundMs / 1000)} s (green dashes) · hatched = model load</text>`,
    `<text x="${LEFT}" y="${bottom + 32}">${legend.join('')}</text>`,
    '</svg>'
  )
  return `${out.join('\n')}\n`
}
