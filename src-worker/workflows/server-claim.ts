/**
 * `comfyServerClaimWorkflow`: a server's ownership and its latest health report (see
 * server-claim-defs.ts). Lives while its owner reports; continues as new to keep its history short.
 */
import { condition, continueAsNew, setHandler } from '@temporalio/workflow'
import {
  CLAIM_TTL_MS,
  getServerQuery,
  releaseSignal,
  reportSignal,
  type ServerClaimInput,
  type ServerClaimState,
} from './server-claim-defs'

/** Reports per run before continuing as new: ~4 history events each, well under Temporal's limits. */
const REPORTS_PER_RUN = 300

export async function comfyServerClaimWorkflow(input: ServerClaimInput): Promise<void> {
  const state: ServerClaimState = {
    owner: input.owner,
    address: input.address,
    claimedAt: input.claimedAt,
    report: input.report,
  }
  let reports = 0
  let released = false
  setHandler(getServerQuery, () => state)
  // Only the owner's reports count: a second worker can never take the server over by signalling.
  setHandler(reportSignal, (owner, report) => {
    if (owner !== state.owner) return
    state.report = report
    reports++
  })
  setHandler(releaseSignal, (owner) => {
    if (owner === state.owner) released = true
  })
  for (;;) {
    const seen = reports
    const alive = await condition(() => released || reports !== seen, CLAIM_TTL_MS)
    if (!alive || released) return
    if (reports >= REPORTS_PER_RUN) {
      await continueAsNew<typeof comfyServerClaimWorkflow>({ ...input, report: state.report })
    }
  }
}
