import { createServer, Socket } from 'node:net'
import { Connection } from '@temporalio/client'

/** True when something accepts TCP connections on host:port. */
export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = new Socket()
    const done = (v: boolean): void => {
      socket.destroy()
      resolvePromise(v)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    // 'on', not 'once': a reset can follow the first error after we destroyed the socket.
    socket.on('error', () => done(false))
    socket.connect(port, host)
  })
}

/** A port the OS says is free right now on host. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, host, () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolvePromise(port))
    })
  })
}

/** True when a Temporal frontend answers gRPC at address (host:port). */
export async function isTemporal(address: string, timeoutMs = 2000): Promise<boolean> {
  let conn: Connection | null = null
  try {
    // No retry interceptor: a probe answers once, and a retry still scheduled after close() would
    // throw "Channel has been shut down" from a timer.
    conn = await Connection.connect({ address, connectTimeout: timeoutMs, interceptors: [] })
    await conn.withDeadline(Date.now() + timeoutMs, () => conn!.workflowService.getSystemInfo({}))
    return true
  } catch {
    return false
  } finally {
    await conn?.close().catch(() => undefined)
  }
}
