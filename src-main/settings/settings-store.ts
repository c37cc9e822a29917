import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DeepPartial, Result, Settings } from '../../src-shared/contract'
import { err, ok } from '../../src-shared/contract'
import { deepMerge, unknownKeys } from './deep-merge'
import { DEFAULT_SETTINGS, settingsProblems } from './settings-schema'

/** Patch shape accepted by `update`: `tls` may be replaced whole (or set to null). */
export type SettingsPatch = DeepPartial<Settings>

/**
 * Settings persisted as JSON in the data dir. A bad update is refused whole with every problem
 * named, and the file on disk is only replaced (atomically) by a valid settings object.
 */
export class SettingsStore {
  private current: Settings
  readonly path: string
  /** Set when the file on disk could not be used at start (it is kept as settings.json.broken-*). */
  readonly loadError: string | null

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true })
    this.path = join(dataDir, 'settings.json')
    const loaded = this.load()
    this.current = loaded.settings
    this.loadError = loaded.error
  }

  get(): Settings {
    return structuredClone(this.current)
  }

  update(patch: SettingsPatch): Result<Settings> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      return err('settings/invalid', 'Settings update must be a JSON object')
    }
    const unknown = unknownKeys(withNullableTls(DEFAULT_SETTINGS), patch)
    if (unknown.length > 0) return err('settings/unknown-key', `Unknown setting: ${unknown.join(', ')}`, { unknown })
    const next = deepMerge(this.current, patch)
    const problems = settingsProblems(next)
    if (problems.length > 0) return err('settings/invalid', problems.join('; '), { problems })
    this.write(next)
    this.current = next
    return ok(this.get())
  }

  private load(): { settings: Settings; error: string | null } {
    if (!existsSync(this.path)) return { settings: structuredClone(DEFAULT_SETTINGS), error: null }
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.path, 'utf8'))
      const merged = deepMerge(structuredClone(DEFAULT_SETTINGS), parsed)
      const problems = settingsProblems(merged)
      if (problems.length === 0) return { settings: merged, error: null }
      return this.setAside(`settings.json has invalid values (${problems.join('; ')})`)
    } catch (e) {
      return this.setAside(`settings.json is not valid JSON (${(e as Error).message})`)
    }
  }

  /** Keep the unusable file for the user to inspect, and start from defaults. */
  private setAside(reason: string): { settings: Settings; error: string } {
    const aside = `${this.path}.broken-${Date.now()}`
    renameSync(this.path, aside)
    return { settings: structuredClone(DEFAULT_SETTINGS), error: `${reason}; moved it to ${aside} and used defaults` }
  }

  private write(settings: Settings): void {
    const tmp = `${this.path}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(settings, null, 2) + '\n')
    renameSync(tmp, this.path)
  }
}

/** The defaults have tls: null; describe its keys so a patch setting tls is not called unknown. */
function withNullableTls(s: Settings): unknown {
  return { ...s, temporal: { ...s.temporal, tls: { certPath: '', keyPath: '', caPath: '', serverName: '' } } }
}
