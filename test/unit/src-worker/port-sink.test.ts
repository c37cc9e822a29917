import { describe, expect, it } from 'vitest'
import type { RunPreviewEvent } from '../../../src-shared/contract/bridge'
import type { RunProgressUpdate, WorkerToMain } from '../../../src-shared/contract/worker-protocol'
import { BATCH_MS, portSink } from '../../../src-worker/port-sink'

function event(runId: string, progress: number): RunProgressUpdate {
  return {
    runId,
    runState: 'running',
    serverId: 's1',
    nodeId: '3',
    classType: 'KSampler',
    nodeState: null,
    value: null,
    max: null,
    progress,
  }
}

function recordingPort(): { sent: WorkerToMain[]; port: Parameters<typeof portSink>[0] } {
  const sent: WorkerToMain[] = []
  return { sent, port: { send: (m) => sent.push(m), onMessage: () => undefined } }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
const nextWindow = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, BATCH_MS + 5))

describe('portSink', () => {
  it('sends the progress events of one window as one message, in order, even from different turns', async () => {
    const { sent, port } = recordingPort()
    const sink = portSink(port)
    sink.progress(event('a', 0.1))
    sink.progress(event('b', 0.2))
    await nextTurn()
    sink.progress(event('a', 0.3))
    expect(sent).toEqual([])
    await nextWindow()
    expect(sent).toEqual([{ type: 'run-progress', events: [event('a', 0.1), event('b', 0.2), event('a', 0.3)] }])
  })

  it('starts a new message for events of a later window', async () => {
    const { sent, port } = recordingPort()
    const sink = portSink(port)
    sink.progress(event('a', 0.1))
    await nextWindow()
    sink.progress(event('a', 0.5))
    await nextWindow()
    expect(sent).toEqual([
      { type: 'run-progress', events: [event('a', 0.1)] },
      { type: 'run-progress', events: [event('a', 0.5)] },
    ])
  })

  it('sends a preview at once, unbatched', () => {
    const { sent, port } = recordingPort()
    const preview: RunPreviewEvent = { runId: 'a', nodeId: '3', mime: 'image/jpeg', dataBase64: 'AA==' }
    portSink(port).preview(preview)
    expect(sent).toEqual([{ type: 'run-preview', event: preview }])
  })
})
