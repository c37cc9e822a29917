/** The frames of the field cases sec/worker-crash-malformed-ws and sec/ws-executed-constructor-crashes-main. */
import { describe, expect, it } from 'vitest'
import { decodePreview, parseExecutionError, parseMessage } from '../../../../src-shared/comfy/ws-messages'
import { RunProgress } from '../../../../src-worker/activities/run-progress'
import { applyProgressEvent, newLiveRun } from '../../../../src-main/runs/live-run'
import { txt2img } from '../../../integration/engine/prompts'

const P = 'p-1'
const text = (value: unknown): string => JSON.stringify(value)

function binary(event: number, meta: string, body = 'JPEG'): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(event, 0)
  head.writeUInt32BE(Buffer.byteLength(meta), 4)
  return Buffer.concat([head, Buffer.from(meta), Buffer.from(body)])
}

describe('ComfyUI frames from a hostile server', () => {
  it('drops execution_cached whose nodes is not a list of ids', () => {
    expect(parseMessage(text({ type: 'execution_cached', data: { prompt_id: P, nodes: 5 } }))).toBeNull()
    expect(parseMessage(text({ type: 'execution_cached', data: { prompt_id: P, nodes: ['4'] } }))).toEqual({
      type: 'execution_cached',
      data: { prompt_id: P, nodes: ['4'] },
    })
  })

  it('keeps an execution_error without a traceback, with an empty one', () => {
    const frame = { type: 'execution_error', data: { prompt_id: P, node_id: '3', exception_message: 'boom' } }
    const message = parseMessage(text(frame))
    expect(message).toMatchObject({ type: 'execution_error', data: { node_id: '3', traceback: [], executed: [] } })
    const progress = new RunProgress(txt2img())
    progress.apply(message!, 1)
    expect(progress.nodes['3']).toBe('error')
    expect(parseExecutionError({ prompt_id: P, traceback: 'not a list' })?.traceback).toEqual([])
  })

  it('drops a type-4 preview whose metadata is null, or not an object of strings', () => {
    expect(decodePreview(binary(4, 'null'))).toBeNull()
    expect(decodePreview(binary(4, text({ image_type: 7 })))).toBeNull()
    expect(decodePreview(binary(4, text({ node_id: '3', prompt_id: P, image_type: 'image/png' })))).toMatchObject({
      mime: 'image/png',
      nodeId: '3',
      promptId: P,
    })
  })

  it('drops frames that are not JSON objects or not a type the engine reads', () => {
    for (const raw of ['null', '5', '"x"', '{"type":"executed"}', '{"type":"constructor","data":{}}', '{"ty'])
      expect(parseMessage(raw)).toBeNull()
  })

  it('an executed node id "constructor" is ignored by the worker fold and main keeps a finite progress', () => {
    const progress = new RunProgress(txt2img())
    const message = parseMessage(text({ type: 'executed', data: { node: 'constructor', output: null, prompt_id: P } }))
    progress.apply(message!, 1)
    expect(Object.keys(progress.nodes)).not.toContain('constructor')
    expect(progress.progress).toBe(0)
    const live = newLiveRun('run-1', 'running', 's0')
    const event = { runId: 'run-1', serverId: 's0', nodeId: 'constructor', classType: 'X', value: null, max: null }
    applyProgressEvent(live, { ...event, nodeState: 'done', progress: NaN }, 5)
    expect(live.progress).toBe(0)
    expect(Object.hasOwn(live.nodes, 'constructor')).toBe(true)
    expect(({} as Record<string, unknown>).constructor).toBe(Object)
  })
})

describe('the frames of every step and node (checked by hand)', () => {
  const long = 'x'.repeat(1_001)

  it('progress: numbers required, ids bounded, a null node is no node, unknown fields dropped', () => {
    expect(
      parseMessage(text({ type: 'progress', data: { value: 3, max: 10, node: null, prompt_id: P, x: 1 } }))
    ).toEqual({ type: 'progress', data: { value: 3, max: 10, prompt_id: P } })
    expect(parseMessage(text({ type: 'progress', data: { value: 3, max: 10, node: '5' } }))).toEqual({
      type: 'progress',
      data: { value: 3, max: 10, node: '5' },
    })
    for (const data of [
      { value: '3', max: 10 },
      { value: 3 },
      { value: 3, max: 10, prompt_id: 7 },
      { value: 3, max: 10, node: long },
      [3, 10],
      null,
    ])
      expect(parseMessage(text({ type: 'progress', data }))).toBeNull()
  })

  it('executing: node is required (an id, or null for the end), the rest optional but typed', () => {
    expect(parseMessage(text({ type: 'executing', data: { node: null, prompt_id: P } }))).toEqual({
      type: 'executing',
      data: { node: null, prompt_id: P },
    })
    expect(parseMessage(text({ type: 'executing', data: { node: '4', display_node: '4' } }))).toEqual({
      type: 'executing',
      data: { node: '4', display_node: '4' },
    })
    for (const data of [{ prompt_id: P }, { node: 4 }, { node: '4', display_node: 4 }, { node: long }])
      expect(parseMessage(text({ type: 'executing', data }))).toBeNull()
  })

  it('status: a queue length it cannot read counts as empty; a sid must be a string', () => {
    const status = (n: number): unknown => ({ status: { exec_info: { queue_remaining: n } } })
    expect(parseMessage(text({ type: 'status', data: { ...(status(2) as object), sid: 's' } }))).toEqual({
      type: 'status',
      data: { status: { exec_info: { queue_remaining: 2 } }, sid: 's' },
    })
    for (const data of [{}, { status: 'busy' }, { status: { exec_info: { queue_remaining: 'x' } } }])
      expect(parseMessage(text({ type: 'status', data }))).toEqual({ type: 'status', data: status(0) })
    expect(parseMessage(text({ type: 'status', data: { ...(status(2) as object), sid: 9 } }))).toBeNull()
  })

  it('execution_start / execution_success / execution_cached: a prompt id, a numeric timestamp if any', () => {
    for (const type of ['execution_start', 'execution_success']) {
      expect(parseMessage(text({ type, data: { prompt_id: P, timestamp: 5 } }))).toEqual({
        type,
        data: { prompt_id: P, timestamp: 5 },
      })
      expect(parseMessage(text({ type, data: { timestamp: 5 } }))).toBeNull()
      expect(parseMessage(text({ type, data: { prompt_id: P, timestamp: 'now' } }))).toBeNull()
    }
    expect(parseMessage(text({ type: 'execution_cached', data: { prompt_id: P, nodes: ['1', 2] } }))).toBeNull()
  })

  it('a frame type it does not read is dropped unparsed; other key orders are still read', () => {
    expect(parseMessage('{"type": "progress_state", "data": {not json')).toBeNull()
    expect(parseMessage('{"data": {"value": 1, "max": 2}, "type": "progress"}')).toEqual({
      type: 'progress',
      data: { value: 1, max: 2 },
    })
    expect(parseMessage('{"type": "progress", "data": {"value": 1, "max": 2}}')).toEqual({
      type: 'progress',
      data: { value: 1, max: 2 },
    })
  })
})
