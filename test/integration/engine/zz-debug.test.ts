import { it } from 'vitest'
import { startEngine, startRig, startSims, txt2img, workerServers } from './helpers'
it('debug', async () => {
  const rig = await startRig()
  const sims = await startSims(
    [1, 1, 0.5, 2].map((speed) => ({ speed, timing: { stepMs: 20, nodeMs: 5, loadMs: 20 } }))
  )
  const engine = await startEngine(rig, await workerServers(sims))
  const t0 = Date.now()
  const ids: string[] = []
  for (let i = 0; i < 40; i++)
    ids.push((await rig.runs.startRun({ prompt: txt2img({ steps: 12, seed: 1000 + i }) })).workflowId)
  console.log('started all', Date.now() - t0)
  const iv = setInterval(
    () =>
      console.log(
        Date.now() - t0,
        'permits',
        engine.engine.supplier.outstanding,
        'cap',
        engine.engine.pool.capacity(),
        JSON.stringify(engine.engine.pool.usage().map((u) => u.inUse))
      ),
    500
  )
  await Promise.all(ids.map((id) => rig.runs.result(id)))
  clearInterval(iv)
  console.log('done', Date.now() - t0)
  sims.forEach((s, i) =>
    console.log(
      i,
      s
        .stats()
        .busyIntervals.map(([a, b]) => `${a - t0}-${b - t0}`)
        .join(' ')
    )
  )
  await engine.stop()
  await rig.close()
}, 120000)
