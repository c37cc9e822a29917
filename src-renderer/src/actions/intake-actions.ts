import { INTAKE_ERRORS, type SubmitRequest } from '../../../src-shared/contract'
import { describeFiles } from '../lib/files'
import { useStore } from '../store'
import type { PendingIntake } from '../store/ui-slice'
import { plural, trySubmit } from './run-actions'

/** Options chosen in the run sheet (none: the scheduler and defaults decide). */
export type RunOptionsInput = Pick<SubmitRequest, 'serverId' | 'count' | 'seeds' | 'priority' | 'name'>

/**
 * Submits each file as its own request, so one unusable file is reported by name and does not
 * stop the others; pasted text is one more request.
 */
export async function submitIntake(intake: PendingIntake, options: RunOptionsInput = {}): Promise<boolean> {
  const many = intake.files.length + (intake.text != null ? 1 : 0) > 1
  const jobs = intake.files.map((f) => submitOne({ ...options, files: [f] }, f.name, many))
  if (intake.text != null) jobs.push(submitOne({ ...options, text: intake.text }, 'pasted JSON', many))
  const results = await Promise.all(jobs)
  const queued = results.filter((n): n is number => n != null)
  // One message for a multi-file drop; failures already got their own toast each.
  if (many && queued.length > 0) {
    const runs = queued.reduce((a, b) => a + b, 0)
    useStore
      .getState()
      .pushToast({ kind: 'success', message: `Queued ${plural(runs, 'run')} from ${plural(queued.length, 'file')}` })
  }
  return queued.length === results.length
}

/**
 * One file or text. When the servers refuse one of its values (the default workflow's checkpoint is not on
 * the farm), a single dropped workflow opens in the run sheet, where that field can be fixed.
 */
async function submitOne(req: SubmitRequest, label: string, quiet: boolean): Promise<number | null> {
  const res = await trySubmit(req, label, quiet)
  if (res.ok) return res.value
  const s = useStore.getState()
  const fixable = res.error.code === INTAKE_ERRORS.invalidInputs && !quiet && s.intake === null
  s.pushToast({
    kind: 'error',
    title: `Could not start ${label}`,
    message: fixable ? `${res.error.message} Change it in the run sheet.` : res.error.message,
  })
  if (fixable) s.openIntake({ files: req.files ?? [], text: req.text ?? null })
  return null
}

/** Runs the intake right away, or opens the run sheet to choose options first. */
export function startIntake(intake: PendingIntake, withSheet: boolean): void {
  const s = useStore.getState()
  // Say so at once: with no server a run can only wait, and a UI workflow cannot even be read.
  if (s.serversLoaded && s.serverIds.length === 0)
    s.pushToast({
      kind: 'info',
      title: 'The farm is empty',
      message: 'Add a ComfyUI server in Servers (Alt+2); runs wait until one can take them.',
    })
  if (withSheet) useStore.getState().openIntake(intake)
  else void submitIntake(intake)
}

/** The sheet's heading for an intake. */
export function describeIntake(intake: PendingIntake): string {
  if (intake.files.length && intake.text != null) return `${describeFiles(intake.files)} + pasted JSON`
  return intake.files.length ? describeFiles(intake.files) : 'Pasted JSON'
}
