/**
 * How every process reaches Temporal (main's client, the embedded worker, the standalone worker):
 * one translation of our connection settings into gRPC options, so mutual TLS and API keys (Temporal
 * Cloud) behave the same everywhere. Node-only (reads the certificate files): never import it from
 * workflow code.
 */
import { readFileSync } from 'node:fs'
import type { TLSConfig } from '@temporalio/client'
import type { TemporalConnectionConfig } from '../contract/worker-protocol'

/** The options both `Connection.connect` (client) and `NativeConnection.connect` (worker) accept. */
export interface TemporalConnectOptions {
  address: string
  /** `true`: TLS with the system's roots (an API key needs TLS); undefined: plain gRPC (local dev server). */
  tls?: TLSConfig | true
  apiKey?: string
}

export function temporalConnectOptions(c: TemporalConnectionConfig): TemporalConnectOptions {
  const apiKey = given(c.apiKey)
  return { address: c.address, tls: tlsOptions(c, apiKey !== undefined), apiKey }
}

function tlsOptions(c: TemporalConnectionConfig, hasApiKey: boolean): TLSConfig | true | undefined {
  if (c.tls === null) return hasApiKey ? true : undefined
  const caPath = given(c.tls.caPath)
  return {
    serverNameOverride: given(c.tls.serverName),
    serverRootCACertificate: caPath === undefined ? undefined : readSetting('caPath', caPath),
    clientCertPair: { crt: readSetting('certPath', c.tls.certPath), key: readSetting('keyPath', c.tls.keyPath) },
  }
}

/** Reads a TLS file; a bad path says which setting holds it, not only the OS error. */
function readSetting(setting: 'certPath' | 'keyPath' | 'caPath', path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`Temporal TLS ${setting} "${path}" cannot be read: ${reason}`, { cause: error })
  }
}

/** Settings saved from an emptied form field hold '' where they mean "none". */
function given(value: string | null): string | undefined {
  return value === null || value.trim() === '' ? undefined : value
}
