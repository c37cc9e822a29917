/**
 * A simulator that was not given a data folder makes its own in the system's temp folder: it holds only what
 * the simulated GPU wrote (outputs, uploads, temp), so it goes when the process exits, as a real server's
 * outputs would stay with that server. One exit listener for every such folder of the process.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const owned = new Set<string>()

function removeOwned(): void {
  for (const dir of owned) rmSync(dir, { recursive: true, force: true })
  owned.clear()
}

/** A fresh folder `comfy-sim-<name>-XXXXXX`, removed when the process exits. */
export function scratchDataDir(name: string): string {
  if (owned.size === 0) process.once('exit', removeOwned)
  const dir = mkdtempSync(join(tmpdir(), `comfy-sim-${name}-`))
  owned.add(dir)
  return dir
}
