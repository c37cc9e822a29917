import { useId, type ReactNode } from 'react'

/** Shared props of a settings input bound to a dotted path of the draft. */
export interface BoundProps {
  path: string
  label: string
  value: unknown
  error: string | undefined
  onChange: (path: string, value: unknown) => void
  hint?: string
}

function Wrap(props: { id: string; label: string; error: string | undefined; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <span className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span className="field-error" id={`${props.id}-err`} role="alert" data-testid="settings-field-error">
          {props.error}
        </span>
      )}
    </div>
  )
}

/** A text input; empty text maps to null when `nullable`. */
export function TextField(props: BoundProps & { nullable?: boolean; type?: 'text' | 'password' }) {
  const id = useId()
  const value = typeof props.value === 'string' ? props.value : ''
  return (
    <Wrap id={id} label={props.label} error={props.error} hint={props.hint}>
      <input
        id={id}
        type={props.type ?? 'text'}
        value={value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-err` : props.hint ? `${id}-hint` : undefined}
        data-testid={`settings-${props.path}`}
        onChange={(e) => props.onChange(props.path, props.nullable && e.target.value === '' ? null : e.target.value)}
      />
    </Wrap>
  )
}

/** A number input; keeps the raw text while typing invalid numbers so the core can name the error. */
export function NumberField(props: BoundProps & { step?: number; min?: number }) {
  const id = useId()
  const value = typeof props.value === 'number' || typeof props.value === 'string' ? String(props.value) : ''
  return (
    <Wrap id={id} label={props.label} error={props.error} hint={props.hint}>
      <input
        id={id}
        type="number"
        step={props.step ?? 1}
        min={props.min}
        value={value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-err` : undefined}
        data-testid={`settings-${props.path}`}
        onChange={(e) => props.onChange(props.path, e.target.value === '' ? '' : Number(e.target.value))}
      />
    </Wrap>
  )
}

/** A checkbox. */
export function CheckField(props: BoundProps) {
  const id = useId()
  return (
    <div className="field check">
      <input
        id={id}
        type="checkbox"
        checked={props.value === true}
        data-testid={`settings-${props.path}`}
        onChange={(e) => props.onChange(props.path, e.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
      {props.error && (
        <span className="field-error" role="alert" data-testid="settings-field-error">
          {props.error}
        </span>
      )}
    </div>
  )
}
