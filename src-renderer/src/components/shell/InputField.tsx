import { useId } from 'react'
import type { EditableField } from '../../../../src-shared/contract'
import { fieldText, isSeedField } from '../../lib/field-value'
import { recentValues } from '../../lib/recent-values'
import { fieldKey, type FieldDraft, type FieldMode } from '../../lib/sheet-edits'

interface Props {
  field: EditableField
  draft: FieldDraft | undefined
  error: string | undefined
  onChange: (patch: Partial<FieldDraft>) => void
}

const testId = (prefix: string, f: EditableField): string => `${prefix}-${f.nodeId}-${f.input}`

/** A combo whose current value the server lacks still shows it, marked, so the problem is visible. */
function ComboControl({ field, text, ...rest }: { field: EditableField; text: string } & ControlProps) {
  const options = field.options ?? []
  return (
    <select value={text} {...rest}>
      {!options.includes(text) && <option value={text}>{text} (not on the server)</option>}
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  )
}

interface ControlProps {
  id: string
  'aria-invalid': boolean
  'aria-describedby': string | undefined
  'data-testid': string
  onChange: (e: { currentTarget: { value: string } }) => void
}

function ValueControl({
  field,
  text,
  listId,
  ...rest
}: { field: EditableField; text: string; listId: string } & ControlProps) {
  if (field.kind === 'combo') return <ComboControl field={field} text={text} {...rest} />
  if (field.kind === 'boolean')
    return (
      <input
        type="checkbox"
        checked={text === 'true'}
        {...rest}
        onChange={(e) => rest.onChange({ currentTarget: { value: String(e.currentTarget.checked) } })}
      />
    )
  if (field.kind === 'string' && field.multiline) return <textarea rows={3} value={text} {...rest} />
  const numeric = field.kind === 'int' || field.kind === 'float'
  return <input type="text" inputMode={numeric ? 'decimal' : 'text'} value={text} list={listId} {...rest} />
}

function ModeControl({
  field,
  mode,
  onMode,
}: {
  field: EditableField
  mode: FieldMode
  onMode: (m: FieldMode) => void
}) {
  if (isSeedField(field))
    return (
      <select
        className="mode"
        aria-label={`${field.input} of ${field.nodeTitle}: how it is chosen`}
        value={mode}
        onChange={(e) => onMode(e.currentTarget.value as FieldMode)}
        data-testid={testId('mode', field)}
      >
        <option value="fixed">Fixed</option>
        <option value="random">Random</option>
        <option value="vary">Range / list</option>
      </select>
    )
  return (
    <button
      type="button"
      className={mode === 'vary' ? 'btn small toggled' : 'btn small'}
      aria-pressed={mode === 'vary'}
      aria-label={`Vary ${field.input} of ${field.nodeTitle}`}
      onClick={() => onMode(mode === 'vary' ? 'fixed' : 'vary')}
      data-testid={testId('vary-toggle', field)}
    >
      Vary
    </button>
  )
}

const VARY_HINT = {
  numeric: 'e.g. 5, 7, 9 or 1..10 or 0.5..1 step 0.25',
  text: 'one value per line',
}

/** One input of the workflow: its value (or the values it varies over), its mode, and its error. */
export function InputField({ field, draft, error, onChange }: Props) {
  const id = useId()
  const mode = draft?.mode ?? 'fixed'
  const text = draft?.text ?? fieldText(field.value)
  const numeric = field.kind === 'int' || field.kind === 'float'
  const errorId = error ? `${id}-error` : undefined
  const recent = recentValues(field.classType, field.input).filter((v) => v !== text)
  const common = { 'aria-invalid': Boolean(error), 'aria-describedby': errorId }
  return (
    <div className="input-field" data-field={fieldKey(field)}>
      <label htmlFor={id}>
        {field.input}
        <small>{field.nodeTitle}</small>
      </label>
      <div className="input-control">
        {mode === 'fixed' && (
          <ValueControl
            field={field}
            text={text}
            listId={`${id}-recent`}
            id={id}
            {...common}
            data-testid={testId('input', field)}
            onChange={(e) => onChange({ text: e.currentTarget.value })}
          />
        )}
        {mode === 'random' && <output id={id}>a new random seed for each run</output>}
        {mode === 'vary' &&
          (numeric ? (
            <input
              id={id}
              type="text"
              value={draft?.varyText ?? ''}
              placeholder={VARY_HINT.numeric}
              {...common}
              data-testid={testId('vary', field)}
              onChange={(e) => onChange({ varyText: e.currentTarget.value })}
            />
          ) : (
            <textarea
              id={id}
              rows={3}
              value={draft?.varyText ?? ''}
              placeholder={VARY_HINT.text}
              {...common}
              data-testid={testId('vary', field)}
              onChange={(e) => onChange({ varyText: e.currentTarget.value })}
            />
          ))}
        {field.kind !== 'boolean' && <ModeControl field={field} mode={mode} onMode={(m) => onChange({ mode: m })} />}
      </div>
      {recent.length > 0 && (
        <datalist id={`${id}-recent`}>
          {recent.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      )}
      {error && (
        <p id={errorId} className="field-error" role="alert" data-testid={testId('error', field)}>
          {error}
        </p>
      )}
    </div>
  )
}
