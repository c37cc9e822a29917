/** Activity factory: the worker injects its server directory, slot pool, blob store and progress sink. */
import { Context } from '@temporalio/activity'
import type { EngineActivities } from '../../src-shared/temporal/contract'
import type { EngineDeps } from './deps'
import { PromptExecution } from './execute-prompt'

export type { EngineDeps } from './deps'

export function createActivities(deps: EngineDeps): EngineActivities {
  return {
    executePrompt: (input) => new PromptExecution(deps, input).run(),
    requestCancel: async (workflowId) => {
      await Context.current().client.workflow.getHandle(workflowId).cancel()
    },
  }
}
