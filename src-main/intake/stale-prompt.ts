/**
 * A file can carry both an API prompt and the UI workflow it came from (a PNG's `prompt` and `workflow` chunks).
 * The prompt is what ran, so it is preferred; but one written by an older ComfyUI can lack inputs that nodes
 * gained since, and then only the workflow still runs (ComfyUI itself loads the workflow when such a file is
 * dropped on it). These helpers decide whether a prompt would be accepted by any of the known servers.
 */
import type { IntakeOptions, ObjectInfo } from '../../src-shared/contract/intake'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import { inputProblems } from './input-values'

/** The servers intake knows: per server when given, else the one preferred server. */
function knownServers(options: IntakeOptions): Record<string, ObjectInfo> {
  const byServer = options.objectInfoByServer ?? {}
  if (Object.keys(byServer).length > 0) return byServer
  return options.objectInfo ? { target: options.objectInfo } : {}
}

/**
 * Why no known server would accept `prompt` (lacking node types, or the problems on the server closest to
 * accepting it), as short phrases; null when one would, or when no server is known (nothing to judge by).
 */
export function whyRefused(prompt: ApiPrompt, options: IntakeOptions): string[] | null {
  const servers = Object.values(knownServers(options))
  if (servers.length === 0) return null
  let best: string[] | null = null
  for (const info of servers) {
    const lacking = [...new Set(Object.values(prompt).map((n) => n.class_type))].filter((t) => !(t in info))
    const reasons =
      lacking.length > 0
        ? [`unknown node types ${lacking.sort().join(', ')}`]
        : inputProblems(prompt, info).map((p) => `node ${p.nodeId} (${p.classType}) ${p.input}: ${p.message}`)
    if (reasons.length === 0) return null
    if (best === null || reasons.length < best.length) best = reasons
  }
  return best
}

/** The warning that says the embedded workflow was run instead of the embedded prompt, and why. */
export function staleEmbeddedPromptWarning(reasons: string[]): string {
  const shown = reasons.slice(0, 3).join('; ')
  const more = reasons.length > 3 ? `; and ${reasons.length - 3} more` : ''
  return `Used the file's UI workflow, not its embedded API prompt: the prompt was written by an older ComfyUI and no server accepts it (${shown}${more}). ComfyUI does the same when the file is opened.`
}
