import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TrailingThrottle } from '../../../../src-shared/timing/trailing-throttle'

const T0 = 1_000_000
const GAP = 100

beforeEach(() => void vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] }))
afterEach(() => void vi.useRealTimers())

/** A throttle over a number: each send records [time since T0, the state then]. */
function throttled(): { sent: [number, number][]; set: (v: number) => void; throttle: TrailingThrottle } {
  let state = 0
  const sent: [number, number][] = []
  const throttle = new TrailingThrottle(() => sent.push([Date.now() - T0, state]), GAP)
  return { sent, set: (v) => (state = v), throttle }
}

/** A throttle that sent state 0 at t = 0 and, at t = `at`, has state 1 waiting for the end of the window. */
function waitingAt(at: number): ReturnType<typeof throttled> {
  const t = throttled()
  t.throttle.request()
  vi.advanceTimersByTime(at)
  t.set(1)
  t.throttle.request()
  return t
}

describe('TrailingThrottle', () => {
  it('sends the first change at once', () => {
    const { sent, set, throttle } = throttled()
    set(1)
    throttle.request()
    expect(sent).toEqual([[0, 1]])
  })

  it('coalesces changes inside the window into one send of the latest state at the end of the window', () => {
    const { sent, set, throttle } = throttled()
    set(1)
    throttle.request()
    for (const v of [2, 3, 4]) {
      vi.advanceTimersByTime(10)
      set(v)
      throttle.request()
    }
    vi.advanceTimersByTime(69) // t = 99: the window is still open
    expect(sent).toEqual([[0, 1]])
    vi.advanceTimersByTime(1) // t = 100
    expect(sent).toEqual([
      [0, 1],
      [100, 4],
    ])
    vi.advanceTimersByTime(GAP * 5)
    expect(sent).toHaveLength(2)
  })

  it('starts the next window at the trailing send, and sends at once once a window has passed', () => {
    const { sent, set, throttle } = throttled()
    throttle.request() // t = 0
    vi.advanceTimersByTime(10)
    set(1)
    throttle.request() // trailing at t = 100
    vi.advanceTimersByTime(140) // t = 150
    set(2)
    throttle.request() // inside the window that began at 100: trailing at t = 200
    vi.advanceTimersByTime(50)
    vi.advanceTimersByTime(200) // t = 400
    set(3)
    throttle.request()
    expect(sent).toEqual([
      [0, 0],
      [100, 1],
      [200, 2],
      [400, 3],
    ])
  })

  it('a shorter gap brings a waiting send forward, a longer one never pushes it back', () => {
    const { sent, throttle } = throttled()
    throttle.request() // t = 0
    vi.advanceTimersByTime(10)
    throttle.request(1_000) // due at t = 1000
    vi.advanceTimersByTime(10)
    throttle.request(250) // due at t = 250
    vi.advanceTimersByTime(10)
    throttle.request(1_000) // still t = 250
    vi.advanceTimersByTime(2_000)
    expect(sent.map(([t]) => t)).toEqual([0, 250])
  })

  it('now() sends inside the window and takes the place of the waiting send', () => {
    const { sent, set, throttle } = waitingAt(10)
    vi.advanceTimersByTime(10)
    set(2)
    throttle.now() // t = 20
    vi.advanceTimersByTime(GAP * 5)
    expect(sent).toEqual([
      [0, 0],
      [20, 2],
    ])
  })

  it('flush() sends a waiting state now, and nothing when none waits', () => {
    const idle = throttled()
    idle.throttle.flush()
    expect(idle.sent).toEqual([])
    const { sent, throttle } = waitingAt(30)
    throttle.flush() // t = 30
    throttle.flush()
    vi.advanceTimersByTime(GAP * 5)
    expect(sent).toEqual([
      [0, 0],
      [30, 1],
    ])
  })

  it('close() sends a waiting state, then nothing more', () => {
    const { sent, set, throttle } = waitingAt(40)
    throttle.close() // t = 40
    set(2)
    throttle.request()
    throttle.now()
    vi.advanceTimersByTime(GAP * 5)
    throttle.request()
    expect(sent).toEqual([
      [0, 0],
      [40, 1],
    ])
  })

  it("close('drop') drops a waiting state, then sends nothing more", () => {
    const { sent, throttle } = waitingAt(0)
    throttle.close('drop')
    vi.advanceTimersByTime(GAP * 5)
    throttle.now()
    throttle.request()
    expect(sent).toEqual([[0, 0]])
  })
})
