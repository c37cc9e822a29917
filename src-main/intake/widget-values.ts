import type { ObjectInfoInputSpec, ObjectInfoNode } from '../../src-shared/contract/intake'
import { ADDED_REQUIRED_INPUTS, controlWidgetCount, customWidgetType } from './frontend-widgets'
import { isRecord } from './json-text'

/** One entry of a node's `widgets_values`: a named input, or a frontend-only widget (null name) that takes a slot. */
export interface WidgetSlot {
  name: string | null
  spec: ObjectInfoInputSpec | null
}

const WIDGET_TYPES = new Set(['INT', 'FLOAT', 'STRING', 'BOOLEAN', 'COMBO'])

function specOptions(spec: ObjectInfoInputSpec): Record<string, unknown> {
  return isRecord(spec[1]) ? spec[1] : {}
}

/**
 * True when the frontend gives this input a widget: scalar types and combos, unless `forceInput` is set.
 * `legacy`: the pre-ComfyUI_frontend UI (ComfyUI `web/scripts/app.js`) still created a widget for a
 * forceInput input (converted to a socket, but holding a widgets_values slot); today's frontend creates none.
 */
export function isWidgetInput(spec: ObjectInfoInputSpec, legacy = false): boolean {
  if (!legacy && specOptions(spec).forceInput === true) return false
  const type = spec[0]
  return Array.isArray(type) || (typeof type === 'string' && WIDGET_TYPES.has(type))
}

/**
 * The positions of a node's `widgets_values`, from its /object_info entry:
 * - widget inputs in `input_order` (required, then optional), each taking one value;
 * - after an input with `control_after_generate`, or an INT named `seed`/`noise_seed`, the control widget's
 *   value ("fixed", "randomize", …), and after a combo's also its filter list — see controlWidgetCount;
 * - an input of a custom widget type (Load3D's LOAD_3D, WEBCAM, …) takes the slots of every widget the frontend
 *   makes for it, buttons included; after the required inputs come the inputs the frontend adds itself (the
 *   upload button behind LoadImage's trailing "image", audioUI, …): both tables are in frontend-widgets.ts.
 */
export function widgetLayout(def: ObjectInfoNode, legacy = false): WidgetSlot[] {
  const slots: WidgetSlot[] = []
  for (const section of ['required', 'optional'] as const) {
    const specs = def.input[section] ?? {}
    const order = def.input_order?.[section] ?? Object.keys(specs)
    for (const name of order) {
      const spec = specs[name]
      if (spec) slots.push(...inputSlots(name, spec, legacy))
    }
    if (section === 'required') {
      for (const added of ADDED_REQUIRED_INPUTS) if (added.appliesTo(def)) slots.push({ name: null, spec: null })
    }
  }
  return slots
}

function inputSlots(name: string, spec: ObjectInfoInputSpec, legacy: boolean): WidgetSlot[] {
  const custom = customWidgetType(spec)
  if (custom) return custom.widgets.map((widget) => (widget === null ? { name, spec } : { name: null, spec: null }))
  if (!isWidgetInput(spec, legacy)) return []
  const controls = Array.from({ length: controlWidgetCount(name, spec) }, () => ({ name: null, spec: null }))
  return [{ name, spec }, ...controls]
}

/** The value an input takes when the workflow did not store one: its default, else a combo's first option. */
export function defaultValue(spec: ObjectInfoInputSpec): unknown {
  const opts = specOptions(spec)
  if ('default' in opts) return opts.default
  if (Array.isArray(spec[0])) return spec[0][0]
  if (Array.isArray(opts.options)) return opts.options[0]
  return undefined
}

/**
 * Maps a node's stored widget values to input names. Returns the inputs and the names that had no stored
 * value (filled from defaults) so the caller can warn.
 */
export function mapWidgetValues(
  def: ObjectInfoNode,
  stored: unknown[] | Record<string, unknown> | undefined
): { inputs: Record<string, unknown>; defaulted: string[] } {
  const inputs: Record<string, unknown> = {}
  const defaulted: string[] = []
  const layout = chooseLayout(def, stored)
  layout.forEach((slot, index) => {
    if (slot.name === null || slot.spec === null) return
    const has = Array.isArray(stored) ? index < stored.length : isRecord(stored) && slot.name in stored
    if (has) {
      const value = Array.isArray(stored) ? stored[index] : (stored as Record<string, unknown>)[slot.name]
      inputs[slot.name] = wrapListValue(value)
      return
    }
    const fallback = defaultValue(slot.spec)
    if (fallback !== undefined) inputs[slot.name] = wrapListValue(fallback)
    defaulted.push(slot.name)
  })
  return { inputs, defaulted }
}

/**
 * Today's layout, unless the stored values fit the legacy one (forceInput widgets included) exactly and
 * today's does not: a workflow saved by the old UI then maps by its own positions.
 */
function chooseLayout(def: ObjectInfoNode, stored: unknown[] | Record<string, unknown> | undefined): WidgetSlot[] {
  const current = widgetLayout(def)
  if (!Array.isArray(stored) || stored.length === current.length) return current
  const legacy = widgetLayout(def, true)
  return legacy.length === stored.length ? legacy : current
}

/** Arrays are links in the API format, so a literal list travels as `{"__value__": [...]}` (executionUtil.ts). */
export function wrapListValue(value: unknown): unknown {
  return Array.isArray(value) ? { __value__: value } : value
}
