import { readFileSync, readdirSync } from 'node:fs'
import { intakeJson } from './src-main/intake'
import { objectInfo } from './sim/catalog/object-info'
const canon = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x))
const info = JSON.parse(JSON.stringify(objectInfo()))
const dir = '/tmp/fe/rec/corpus/'
for (const f of readdirSync(dir).filter((x) => x.endsWith('.workflow.json'))) {
  const wf = JSON.parse(readFileSync(dir + f, 'utf8'))
  const fe = JSON.parse(readFileSync(dir + f.replace('.workflow.json', '.frontend.json'), 'utf8'))
  const r = intakeJson(wf, f, { objectInfo: info })
  if (!r.ok) { console.log('ERR', f, r.error.message); continue }
  const diffs: string[] = []
  for (const [id, n] of Object.entries(r.value.prompt)) {
    if (canon(n) !== canon(fe[id])) diffs.push(`${id}: ours ${JSON.stringify(n)}\n   fe ${JSON.stringify(fe[id])}`)
  }
  const extra = Object.keys(fe).filter((id) => !(id in r.value.prompt))
  console.log(diffs.length ? 'DIFF' : 'SAME', f, 'fe-only:', extra.join(','), diffs.slice(0, 3).join('\n'))
}
