/** Errors of the ComfyUI client, split by what the caller should do about them. */

/** The server did not answer (connection refused, reset, DNS, timeout): fail over, maybe come back later. */
export class ComfyUnreachableError extends Error {
  constructor(
    readonly address: string,
    readonly operation: string,
    readonly causeMessage: string
  ) {
    super(`ComfyUI at ${address} did not answer ${operation}: ${causeMessage}`)
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

function summarise(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}
