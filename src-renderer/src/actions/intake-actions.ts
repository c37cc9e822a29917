import type { SubmitRequest } from '../../../src-shared/contract'
import { describeFiles } from '../lib/files'
import { useStore } from '../store'
import type { PendingIntake } from '../store/ui-slice'
import { submitRuns } from './run-actions'

/** Options chosen in the run sheet (none: the scheduler and defaults decide). */
export type RunOptionsInput = Pick<SubmitRequest, 'serverId' | 'count' | 'seeds' | 'priority' | 'name'>

/**
 * Submits each file as its own request, so one unusable file is reported by name and does not
 * stop the others; pasted text is one more request.
 */
export async function submitIntake(intake: PendingIntake, options: RunOptionsInput = {}): Promise<boolean> {
  const jobs = intake.files.map((f) => submitRuns({ ...options, files: [f] }, f.name))
  if (intake.text != null) jobs.push(submitRuns({ ...options, text: intake.text }, 'pasted JSON'))
  const results = await Promise.all(jobs)
  return results.every(Boolean)
}

/** Runs the intake right away, or opens the run sheet to choose options first. */
export function startIntake(intake: PendingIntake, withSheet: boolean): void {
  if (withSheet) useStore.getState().openIntake(intake)
  else void submitIntake(intake)
}

/** The sheet's heading for an intake. */
export function describeIntake(intake: PendingIntake): string {
  if (intake.files.length && intake.text != null) return `${describeFiles(intake.files)} + pasted JSON`
  return intake.files.length ? describeFiles(intake.files) : 'Pasted JSON'
}
