/**
 * ComfyUI events go into get_events, progress signals and the run's result, all Temporal payloads. A
 * server may put anything in an event (an `executed` message with a 3 MB text output, 8,000 image refs),
 * so an event's data is bounded here: small fields stay, large ones are replaced by their size and a
 * short preview, and the whole data is stored by content hash when a store is given.
 */
import { EVENT_DATA_BYTES } from '../../src-shared/contract/limits'
import type { RunEvent } from '../../src-shared/contract/runs'
import { MAX_EVENTS } from '../workflows/run-state'

/** A field longer than this (as JSON) is dropped from an oversized event and previewed instead. */
const FIELD_BYTES = 256
const PREVIEW_CHARS = 1_000

/** Stores the full JSON of an oversized event's data; returns its sha256. */
export type KeepPayload = (json: string) => string

export function boundEventData(data: Record<string, unknown>, keep?: KeepPayload): Record<string, unknown> {
  const json = JSON.stringify(data)
  if (Buffer.byteLength(json, 'utf8') <= EVENT_DATA_BYTES) return data
  const bounded: Record<string, unknown> = {}
  const dropped: Record<string, number> = {}
  let largest: { key: string; json: string } | null = null
  for (const [key, value] of Object.entries(data)) {
    const field = JSON.stringify(value) ?? ''
    if (field.length <= FIELD_BYTES) {
      bounded[key] = value
      continue
    }
    dropped[key] = Buffer.byteLength(field, 'utf8')
    if (largest === null || field.length > largest.json.length) largest = { key, json: field }
  }
  const summary = {
    comfyfleet_truncated: { bytes: Buffer.byteLength(json, 'utf8'), fields: dropped },
    ...(largest === null ? {} : { comfyfleet_preview: `${largest.key}: ${largest.json.slice(0, PREVIEW_CHARS)}` }),
    ...(keep === undefined ? {} : { comfyfleet_payload_sha256: keep(json) }),
  }
  const result = { ...bounded, ...summary }
  // Many small fields can still add up: then only the summary is kept.
  return Buffer.byteLength(JSON.stringify(result), 'utf8') <= EVENT_DATA_BYTES ? result : summary
}

/**
 * The newest events the workflow keeps (it drops older ones past MAX_EVENTS anyway): a graph of thousands
 * of nodes that runs between two signals must not make a signal or the result thousands of events long.
 */
export function newestEvents(events: RunEvent[]): RunEvent[] {
  return events.length > MAX_EVENTS ? events.slice(-MAX_EVENTS) : events
}
