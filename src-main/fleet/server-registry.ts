/**
 * The fleet registry: the ComfyUI servers the user added, persisted in the cache database's
 * `servers` table. Every change is validated and answered with a {@link Result}; nothing stored is
 * touched when a change is refused.
 */
import { randomUUID } from 'node:crypto'
import type { ServerInput, ServerPatch } from '../../src-shared/contract/bridge'
import { err, ok, type Result } from '../../src-shared/contract/result'
import type { ServerCapabilities, ServerConfig } from '../../src-shared/contract/servers'
import type { CacheDatabase } from '../cache/db'
import { normaliseAddress } from '../../src-shared/comfy/address'

export const MIN_SLOTS = 1
export const MAX_SLOTS = 8
const MAX_NAME = 100
const MAX_TAGS = 20
const MAX_TAG = 40

interface ServerRow {
  id: string
  name: string
  address: string
  enabled: number
  draining: number
  slots: number
  tags: string
  created_at: number
  updated_at: number
}

/** Every column but the capabilities (a real server's /object_info is megabytes of JSON). */
const COLUMNS = 'id, name, address, enabled, draining, slots, tags, created_at, updated_at'

export class ServerRegistry {
  /** The list as stored: read on every view and progress update, changed only through this class. */
  private listed: readonly ServerConfig[] | null = null

  constructor(
    private readonly db: CacheDatabase,
    private readonly now: () => number = Date.now
  ) {}

  list(): readonly ServerConfig[] {
    this.listed ??= this.db
      .prepare<[], ServerRow>(`SELECT ${COLUMNS} FROM servers ORDER BY created_at, name`)
      .all()
      .map((row) => Object.freeze(toConfig(row)))
    return this.listed
  }

  get(id: string): ServerConfig | null {
    const found = this.list().find((s) => s.id === id)
    return found ? { ...found, tags: [...found.tags] } : null
  }

  /** Register a server; `defaultSlots` comes from settings when the input has none. */
  add(input: ServerInput, defaultSlots = 2): Result<ServerConfig> {
    const name = validName(input.name)
    if (!name.ok) return name
    const address = this.freeAddress(input.address, null)
    if (!address.ok) return address
    const slots = validSlots(input.slots ?? defaultSlots)
    if (!slots.ok) return slots
    const tags = validTags(input.tags ?? [])
    if (!tags.ok) return tags
    const now = this.now()
    const server: ServerConfig = {
      id: randomUUID(),
      name: name.value,
      address: address.value,
      enabled: true,
      draining: false,
      slots: slots.value,
      tags: tags.value,
      createdAt: now,
      updatedAt: now,
    }
    this.db
      .prepare(
        `INSERT INTO servers (id, name, address, enabled, draining, slots, tags, created_at, updated_at)
         VALUES (?, ?, ?, 1, 0, ?, ?, ?, ?)`
      )
      .run(server.id, server.name, server.address, server.slots, JSON.stringify(server.tags), now, now)
    this.listed = null
    return ok(server)
  }

  /** Change some fields of a server; absent fields are kept. */
  update(id: string, patch: ServerPatch): Result<ServerConfig> {
    const current = this.get(id)
    if (!current) return err('servers/not-found', `No server with id ${id}.`)
    const next: ServerConfig = { ...current }
    if (patch.name !== undefined) {
      const name = validName(patch.name)
      if (!name.ok) return name
      next.name = name.value
    }
    if (patch.address !== undefined) {
      const address = this.freeAddress(patch.address, id)
      if (!address.ok) return address
      next.address = address.value
    }
    if (patch.slots !== undefined) {
      const slots = validSlots(patch.slots)
      if (!slots.ok) return slots
      next.slots = slots.value
    }
    if (patch.tags !== undefined) {
      const tags = validTags(patch.tags)
      if (!tags.ok) return tags
      next.tags = tags.value
    }
    for (const flag of ['enabled', 'draining'] as const) {
      const value = patch[flag]
      if (value === undefined) continue
      if (typeof value !== 'boolean') return err('servers/bad-flag', `"${flag}" must be true or false.`)
      next[flag] = value
    }
    next.updatedAt = Math.max(this.now(), current.updatedAt)
    this.db
      .prepare(
        `UPDATE servers SET name = ?, address = ?, enabled = ?, draining = ?, slots = ?, tags = ?, updated_at = ?
         WHERE id = ?`
      )
      .run(
        next.name,
        next.address,
        Number(next.enabled),
        Number(next.draining),
        next.slots,
        JSON.stringify(next.tags),
        next.updatedAt,
        id
      )
    this.listed = null
    return ok(next)
  }

  remove(id: string): Result<null> {
    if (this.db.prepare('DELETE FROM servers WHERE id = ?').run(id).changes === 0) {
      return err('servers/not-found', `No server with id ${id}.`)
    }
    this.listed = null
    return ok(null)
  }

  /** Persist the server's parsed /object_info, with the identity it was fetched for (version, argv). */
  saveCapabilities(id: string, capabilities: ServerCapabilities, identity: string): void {
    this.db
      .prepare('UPDATE servers SET capabilities = ?, capabilities_key = ? WHERE id = ?')
      .run(JSON.stringify(capabilities), identity, id)
  }

  /** The cached capabilities, which survive an app restart, or null when never fetched. */
  loadCapabilities(id: string): { capabilities: ServerCapabilities; identity: string | null } | null {
    const row = this.db
      .prepare<[string], { capabilities: string | null; capabilities_key: string | null }>(
        'SELECT capabilities, capabilities_key FROM servers WHERE id = ?'
      )
      .get(id)
    if (!row?.capabilities) return null
    try {
      return { capabilities: JSON.parse(row.capabilities) as ServerCapabilities, identity: row.capabilities_key }
    } catch {
      return null
    }
  }

  private freeAddress(input: unknown, selfId: string | null): Result<string> {
    if (typeof input !== 'string') return err('servers/bad-address', 'The server address must be text.')
    const address = normaliseAddress(input)
    if (!address.ok) return address
    const taken = this.db
      .prepare<[string], { id: string; name: string }>('SELECT id, name FROM servers WHERE address = ?')
      .get(address.value)
    if (taken && taken.id !== selfId) {
      return err('servers/duplicate-address', `Server "${taken.name}" already uses ${address.value}.`, { id: taken.id })
    }
    return address
  }
}

function validName(input: unknown): Result<string> {
  if (typeof input !== 'string' || input.trim() === '') return err('servers/bad-name', 'The server name is empty.')
  const name = input.trim()
  if (name.length > MAX_NAME) return err('servers/bad-name', `The server name is longer than ${MAX_NAME} characters.`)
  return ok(name)
}

function validSlots(input: unknown): Result<number> {
  if (typeof input !== 'number' || !Number.isInteger(input) || input < MIN_SLOTS || input > MAX_SLOTS) {
    return err(
      'servers/bad-slots',
      `Slots must be a whole number from ${MIN_SLOTS} to ${MAX_SLOTS}, got ${String(input)}.`
    )
  }
  return ok(input)
}

function validTags(input: unknown): Result<string[]> {
  if (!Array.isArray(input)) return err('servers/bad-tags', 'Tags must be a list of words.')
  const tags: string[] = []
  for (const tag of input as unknown[]) {
    if (typeof tag !== 'string' || tag.trim() === '') return err('servers/bad-tags', 'Tags must be non-empty text.')
    if (tag.trim().length > MAX_TAG)
      return err('servers/bad-tags', `Tag "${tag.trim()}" is longer than ${MAX_TAG} characters.`)
    if (!tags.includes(tag.trim())) tags.push(tag.trim())
  }
  if (tags.length > MAX_TAGS) return err('servers/bad-tags', `A server can have at most ${MAX_TAGS} tags.`)
  return ok(tags)
}

function toConfig(row: ServerRow): ServerConfig {
  let tags: string[]
  try {
    tags = JSON.parse(row.tags) as string[]
  } catch {
    tags = []
  }
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    enabled: row.enabled === 1,
    draining: row.draining === 1,
    slots: row.slots,
    tags,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
