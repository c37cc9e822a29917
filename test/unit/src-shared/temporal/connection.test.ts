/**
 * One translation of the connection settings for main's client and both workers: what reaches gRPC
 * for a local dev server, an API key (Temporal Cloud) and mutual TLS, and what a bad file path says.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { TemporalConnectionConfig } from '../../../../src-shared/contract/worker-protocol'
import { temporalConnectOptions } from '../../../../src-shared/temporal/connection'

const base: TemporalConnectionConfig = { address: 'localhost:7233', namespace: 'default', tls: null, apiKey: null }

function tlsFiles(): { certPath: string; keyPath: string; caPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'comfyfleet-tls-'))
  const files = { certPath: join(dir, 'client.pem'), keyPath: join(dir, 'client.key'), caPath: join(dir, 'ca.pem') }
  writeFileSync(files.certPath, 'CERT')
  writeFileSync(files.keyPath, 'KEY')
  writeFileSync(files.caPath, 'CA')
  return files
}

describe('temporalConnectOptions', () => {
  it('connects in plain gRPC to a local dev server', () => {
    expect(temporalConnectOptions(base)).toEqual({ address: 'localhost:7233', tls: undefined, apiKey: undefined })
  })

  it('turns TLS on for an API key, and treats a blank key as none', () => {
    expect(temporalConnectOptions({ ...base, apiKey: 'k1' })).toEqual({
      address: base.address,
      tls: true,
      apiKey: 'k1',
    })
    expect(temporalConnectOptions({ ...base, apiKey: '  ' }).tls).toBeUndefined()
  })

  it('reads the mutual TLS files, and a blank CA or server name means the defaults', () => {
    const files = tlsFiles()
    const full = temporalConnectOptions({ ...base, tls: { ...files, serverName: 'temporal.farm' } })
    expect(full.tls).toEqual({
      serverNameOverride: 'temporal.farm',
      serverRootCACertificate: Buffer.from('CA'),
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
    })
    const blank = temporalConnectOptions({ ...base, tls: { ...files, caPath: '', serverName: '' } })
    expect(blank.tls).toMatchObject({ serverNameOverride: undefined, serverRootCACertificate: undefined })
  })

  it('names the setting and the path of a TLS file it cannot read', () => {
    const files = tlsFiles()
    const missing = join(tmpdir(), 'comfyfleet-no-such-dir', 'client.key')
    expect(() => temporalConnectOptions({ ...base, tls: { ...files, keyPath: missing, serverName: null } })).toThrow(
      `Temporal TLS keyPath "${missing}" cannot be read`
    )
  })
})
