import { useShallow } from 'zustand/react/shallow'
import { useStore } from '../../store'

/** A filter picker's value and what to do with a new one; `''` means "all". */
interface FilterSelectProps {
  value: string
  onChange: (value: string) => void
  testId: string
}

/** "All servers" or one server by name: the server filter of the Runs toolbar and of History. */
export function ServerSelect({ value, onChange, testId }: FilterSelectProps) {
  const ids = useStore((s) => s.serverIds)
  const names = useStore(useShallow((s) => ids.map((id) => s.serversById[id]?.name ?? id)))
  return (
    <select aria-label="Server" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">All servers</option>
      {ids.map((id, i) => (
        <option key={id} value={id}>
          {names[i]}
        </option>
      ))}
    </select>
  )
}

/** "All batches" or one batch by name: the batch filter of the Runs toolbar and of History. */
export function BatchSelect({ value, onChange, testId }: FilterSelectProps) {
  // The store's own object: a stable selection that changes only when a batch does.
  const batches = useStore((s) => s.batchesById)
  return (
    <select aria-label="Batch" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">All batches</option>
      {Object.values(batches).map((b) => (
        <option key={b.id} value={b.id}>
          {b.name}
        </option>
      ))}
    </select>
  )
}
