/**
 * The one error model of the ComfyUI client, split by what the caller should do about an answer:
 * - {@link ComfyUnreachableError}: no answer. `timedOut` tells a slow server (it took the connection and
 *   may still be working) from a gone one (refused, reset, DNS): the engine must not treat the first as
 *   dead, because a prompt may still run there.
 * - {@link ComfyHttpError}: an answer with an unexpected HTTP status.
 * - {@link ComfyProtocolError}: an answer that is not ComfyUI's shape (another program on that port).
 * - {@link ComfyRefusedAnswer}: an answer the client will not take (a redirect, an oversized body).
 */

/** The server did not answer (connection refused, reset, DNS, or no answer within the timeout). */
export class ComfyUnreachableError extends Error {
  constructor(
    readonly address: string,
    readonly operation: string,
    readonly causeMessage: string,
    /** True when the connection was taken but no answer came in time: busy, not necessarily gone. */
    readonly timedOut = false
  ) {
    super(`ComfyUI at ${address} did not answer ${operation}${timedOut ? ' ' : ': '}${causeMessage}`)
    this.name = 'ComfyUnreachableError'
  }
}

/** The server answered with an unexpected HTTP status. `body` is the parsed JSON when it was JSON. */
export class ComfyHttpError extends Error {
  constructor(
    readonly address: string,
    readonly operation: string,
    readonly status: number,
    readonly body: unknown
  ) {
    super(`ComfyUI at ${address} answered ${operation} with HTTP ${status}: ${summarise(body)}`)
    this.name = 'ComfyHttpError'
  }
}

/**
 * The server answered in a way the client does not accept: a redirect (never followed: a server must not
 * make the worker fetch from another host), or a body larger than the cap. Not retried: it answers the same.
 */
export class ComfyRefusedAnswer extends Error {
  constructor(
    readonly address: string,
    readonly operation: string,
    readonly reason: string
  ) {
    super(`ComfyUI at ${address} answered ${operation} with ${reason}`)
    this.name = 'ComfyRefusedAnswer'
  }
}

/** The server answered, but not as ComfyUI does (wrong JSON shape, HTML, …). */
export class ComfyProtocolError extends Error {
  constructor(
    readonly address: string,
    readonly operation: string,
    problem: string
  ) {
    super(`${address} ${operation}: ${problem}; is this a ComfyUI server?`)
    this.name = 'ComfyProtocolError'
  }
}

/** True for a timeout: the server is slow, and whatever it holds may still be running. */
export function isSlowAnswer(error: unknown): boolean {
  return error instanceof ComfyUnreachableError && error.timedOut
}

function summarise(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}
