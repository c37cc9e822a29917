import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { IntakeOptions, ObjectInfo } from '../../src-shared/contract/intake'
import type { Result } from '../../src-shared/contract/result'

const root = join(__dirname, '..', 'fixtures')

/** Core node classes in /object_info shape (see test/fixtures/object-info/README.md). */
export function coreObjectInfo(): ObjectInfo {
  return JSON.parse(readFileSync(join(root, 'object-info', 'core-nodes.json'), 'utf8')) as ObjectInfo
}

/** A workflow fixture, parsed. */
export function workflowFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, 'workflows', name), 'utf8')) as Record<string, unknown>
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(root, 'workflows', name))
}

export function options(info: ObjectInfo | null = coreObjectInfo()): IntakeOptions {
  return { objectInfo: info }
}

export function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8')
}

/** Unwraps an ok Result or fails the test with the error, so assertions read straight. */
export function expectOk<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`)
  return result.value
}

/** The error of a failed Result (fails the test when it succeeded). */
export function expectErr<T>(result: Result<T>): { code: string; message: string; details?: unknown } {
  if (result.ok) throw new Error('expected an error Result, got ok')
  return result.error
}
