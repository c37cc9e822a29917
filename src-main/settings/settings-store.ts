import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FieldIssue, Result, Settings, SettingsPatch } from '../../src-shared/contract'
import { describeIssues, err, fieldIssues, ok, SettingsPatchSchema, SettingsSchema } from '../../src-shared/contract'
import { deepMerge } from './deep-merge'
import { DEFAULT_SETTINGS } from './settings-schema'

export type { SettingsPatch }

/**
 * Settings persisted as JSON in the data dir. A bad update is refused whole with every problem
 * named by its field path, and the file on disk is only replaced (atomically) by a valid settings
 * object. The rules themselves live in the contract's SettingsSchema.
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

  update(patch: unknown): Result<Settings> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      return err('settings/invalid', 'Settings update must be a JSON object', { issues: [] })
    }
    const shape = SettingsPatchSchema.safeParse(patch)
    if (!shape.success) return refusal(fieldIssues(shape.error))
    const merged = SettingsSchema.safeParse(deepMerge(this.current, shape.data))
    if (!merged.success) return refusal(fieldIssues(merged.error))
    this.write(merged.data)
    this.current = merged.data
    return ok(this.get())
  }

  private load(): { settings: Settings; error: string | null } {
    if (!existsSync(this.path)) return { settings: structuredClone(DEFAULT_SETTINGS), error: null }
    let parsed: unknown
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'))
    } catch (e) {
      return this.setAside(`settings.json is not valid JSON (${(e as Error).message})`)
    }
    const checked = SettingsSchema.safeParse(deepMerge(structuredClone(DEFAULT_SETTINGS), parsed))
    if (checked.success) return { settings: checked.data, error: null }
    return this.setAside(`settings.json has invalid values (${describeIssues(fieldIssues(checked.error))})`)
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

/** Unknown keys get their own code (a typo, not a bad value); both carry every issue with its path. */
function refusal(issues: FieldIssue[]): Result<never> {
  const unknown = issues.filter((i) => i.unknownKey).map((i) => i.path)
  if (unknown.length > 0)
    return err('settings/unknown-key', `Unknown setting: ${unknown.join(', ')}`, { unknown, issues })
  return err('settings/invalid', describeIssues(issues, 'settings'), { issues })
}
