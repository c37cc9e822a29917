import { describe, expect, it } from 'vitest'
import { ComfyHttpError, ComfyUnreachableError } from '../../../../src-shared/comfy/errors'
import { ServerLiveness } from '../../../../src-shared/comfy/liveness'

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000
  return { now: () => t, advance: (ms) => (t += ms) }
}

const refused = new ComfyUnreachableError('http://x', 'GET /queue', 'ECONNREFUSED')
const timedOut = new ComfyUnreachableError('http://x', 'GET /queue', 'within 15000 ms', true)

describe('ServerLiveness', () => {
  it('a server whose answers time out is slow, never gone, while anything still answers', () => {
    const c = clock()
    const live = new ServerLiveness({ now: c.now, silenceForGoneMs: 30_000 })
    for (let i = 0; i < 20; i++) {
      live.noteFailure(timedOut)
      c.advance(8_000)
      live.noteSign() // the 8 s /queue answer, or a WebSocket frame
    }
    expect(live.verdict()).not.toBe('gone')
  })

  it('a server that answers nothing at all is gone after the silence limit', () => {
    const c = clock()
    const live = new ServerLiveness({ now: c.now, silenceForGoneMs: 30_000 })
    live.noteFailure(timedOut)
    c.advance(10_000)
    expect(live.verdict()).toBe('slow')
    c.advance(20_000)
    expect(live.verdict()).toBe('gone')
    expect(live.describe()).toMatch(/no answer of any kind for 30 s/)
  })

  it('refused connections mean gone only with no WebSocket open to it', () => {
    const c = clock()
    const live = new ServerLiveness({ now: c.now })
    live.socketOpened()
    live.noteFailure(refused)
    live.noteFailure(refused)
    expect(live.verdict()).not.toBe('gone')
    live.socketClosed()
    expect(live.verdict()).toBe('gone')
    live.noteSign()
    expect(live.verdict()).toBe('alive')
  })

  it('an HTTP error status is an answer: the process is there', () => {
    const c = clock()
    const live = new ServerLiveness({ now: c.now })
    live.noteFailure(new ComfyHttpError('http://x', 'GET /queue', 500, 'boom'))
    live.noteFailure(new ComfyHttpError('http://x', 'GET /queue', 500, 'boom'))
    expect(live.verdict()).toBe('alive')
  })
})
