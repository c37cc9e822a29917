/**
 * A bare Temporal workflow around the direct client, on the same Temporal server as ComfyFleet: the cost
 * of Temporal itself (start, two workflow tasks, one activity task, the result) with nothing of ours.
 * ComfyFleet minus this floor is what our own code adds.
 */
import { join } from 'node:path'
import { Client, Connection } from '@temporalio/client'
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker'
import type { ApiPrompt } from '../../src-shared/contract/runs'
import type { DirectComfyClient } from './direct-client'

export interface FloorActivities {
  runDirect(prompt: Record<string, unknown>): Promise<number>
}

export interface TemporalFloor {
  /** One run: starts the workflow and waits for its result (the activity runs the direct client). */
  run(prompt: ApiPrompt): Promise<number>
  /** The same, also naming the workflow (its history is what bench/profile-run.ts reads). */
  runWithId(prompt: ApiPrompt): Promise<{ images: number; workflowId: string }>
  stop(): Promise<void>
}

let runtimeInstalled = false

export async function startTemporalFloor(
  address: string,
  namespace: string,
  direct: () => DirectComfyClient
): Promise<TemporalFloor> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') })
    runtimeInstalled = true
  }
  const taskQueue = `bench-floor-${process.pid}`
  const nativeConnection = await NativeConnection.connect({ address })
  const activities: FloorActivities = {
    runDirect: async (prompt) => (await direct().run(prompt as ApiPrompt)).length,
  }
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflowsPath: join(__dirname, 'floor-workflow.ts'),
    activities,
  })
  const running = worker.run()
  const connection = await Connection.connect({ address })
  const client = new Client({ connection, namespace })
  let n = 0
  const runWithId = async (prompt: ApiPrompt): Promise<{ images: number; workflowId: string }> => {
    const handle = await client.workflow.start('floorWorkflow', {
      taskQueue,
      workflowId: `floor-${process.pid}-${n++}`,
      args: [prompt],
    })
    return { images: (await handle.result()) as number, workflowId: handle.workflowId }
  }
  return {
    run: async (prompt) => (await runWithId(prompt)).images,
    runWithId,
    async stop() {
      worker.shutdown()
      await running
      await connection.close()
      await nativeConnection.close()
    },
  }
}
