/**
 * Widgets the ComfyUI frontend creates that the server's /object_info does not list. Each one takes a slot in a
 * saved node's `widgets_values` (litegraph serialises every widget by index, even one marked `serialize: false`,
 * which leaves a null), so the converter must count them or every value after one shifts (Load3D's width read
 * "upload3dmodel"). A data table: each entry names where in ComfyUI_frontend it comes from, so the next
 * frontend change can be checked against it.
 */
import type { ObjectInfoNode } from '../../src-shared/contract/intake'

/** How the frontend turns one input of a custom widget type into widgets. */
export interface CustomWidgetType {
  /** The widgets it adds for the input, in order; `null` is the input's own widget (it holds the input's value). */
  widgets: ReadonlyArray<string | null>
  /** Set when the browser makes the input's value at queue time (a capture it uploads); says what it is. */
  browserOnly?: string
  source: string
}

const FRONTEND = 'Comfy-Org/ComfyUI_frontend'

/** Input types the frontend draws with its own widgets (`getCustomWidgets` of its core extensions). */
export const CUSTOM_WIDGET_TYPES: Readonly<Record<string, CustomWidgetType>> = {
  LOAD_3D: {
    widgets: ['upload 3d model', 'upload extra resources', 'clear', null],
    browserOnly:
      'a capture of the 3D viewer (scene, mask and normal images and the camera) that the browser renders and uploads when the workflow is queued',
    source: `${FRONTEND} src/extensions/core/load3d.ts @ 012f8b95 (Comfy.Load3D getCustomWidgets LOAD_3D: three buttons, then the 'image' widget)`,
  },
  LOAD_3D_ANIMATION: {
    widgets: ['upload 3d model', 'upload extra resources', 'clear', null],
    browserOnly:
      "a capture of the 3D viewer's animation frame that the browser renders and uploads when the workflow is queued",
    source: `${FRONTEND} src/extensions/core/load3d.ts (Comfy.Load3DAnimation getCustomWidgets LOAD_3D_ANIMATION, frontend 1.2x)`,
  },
  WEBCAM: {
    widgets: [null],
    browserOnly: 'a webcam picture that the browser takes and uploads when the workflow is queued',
    source: `${FRONTEND} src/extensions/core/webcamCapture.ts @ 0eeb3d3c (WEBCAM DOM widget; its 'capture' button is added last, in nodeCreated)`,
  },
  AUDIO_RECORD: {
    widgets: [null, 'record'],
    browserOnly: 'a microphone recording that the browser makes and uploads when the workflow is queued',
    source: `${FRONTEND} src/extensions/core/uploadAudio.ts @ 01505925 (Comfy.RecordAudio: the audioUI DOM widget, then the record button)`,
  },
}

/** An input the frontend adds to a node's definition (`beforeRegisterNodeDef`), after its required inputs. */
export interface AddedInput {
  name: string
  type: string
  /** Whether the frontend adds it to this node class. */
  appliesTo: (def: ObjectInfoNode) => boolean
  source: string
}

const AUDIO_UI_NODES = ['LoadAudio', 'SaveAudio', 'PreviewAudio', 'SaveAudioMP3', 'SaveAudioOpus', 'SaveAudioAdvanced']

function requiredFlag(def: ObjectInfoNode, flags: readonly string[]): boolean {
  return Object.values(def.input.required ?? {}).some((spec) => {
    const options: unknown = spec[1]
    return (
      typeof options === 'object' &&
      options !== null &&
      flags.some((f) => (options as Record<string, unknown>)[f] === true)
    )
  })
}

/** In the order the extensions run (registration order), which is the order of the slots. */
export const ADDED_REQUIRED_INPUTS: readonly AddedInput[] = [
  {
    name: 'audioUI',
    type: 'AUDIO_UI',
    appliesTo: (def) => AUDIO_UI_NODES.includes(def.name),
    source: `${FRONTEND} src/extensions/core/uploadAudio.ts @ 01505925 (Comfy.AudioWidget, registered before Comfy.UploadAudio)`,
  },
  {
    name: 'upload',
    type: 'IMAGEUPLOAD / VIDEOUPLOAD / AUDIOUPLOAD',
    appliesTo: (def) => requiredFlag(def, ['image_upload', 'animated_image_upload', 'video_upload', 'audio_upload']),
    source: `${FRONTEND} src/extensions/core/uploadImage.ts, uploadVideo.ts, uploadAudio.ts (the upload button input)`,
  },
  {
    name: 'image',
    type: 'PREVIEW_3D',
    appliesTo: (def) => def.name === 'Preview3D',
    source: `${FRONTEND} src/extensions/core/load3d.ts @ 012f8b95 (Comfy.Preview3D beforeRegisterNodeDef)`,
  },
]

/**
 * How many value-control widgets follow an input's own widget (`addValueControlWidgets`, ComfyUI_frontend
 * `src/scripts/widgets.ts`): "control_after_generate" ("fixed", "randomize", …), and for a combo also
 * "control_filter_list" (INT seeds use `addValueControlWidget`, which leaves the filter out). Whether there is one:
 * `control_after_generate ?? ['seed', 'noise_seed'].includes(name)` for INT
 * (`src/renderer/extensions/vueNodes/widgets/composables/useIntWidget.ts` @ 0f549a97), so an explicit `false` turns
 * it off even for a seed; a combo gets one only when its spec asks.
 */
export function controlWidgetCount(name: string, spec: readonly unknown[]): number {
  const options: unknown = spec[1]
  const flag =
    typeof options === 'object' && options !== null
      ? (options as Record<string, unknown>).control_after_generate
      : undefined
  const combo = Array.isArray(spec[0]) || spec[0] === 'COMBO'
  const wanted = flag !== undefined ? Boolean(flag) : spec[0] === 'INT' && (name === 'seed' || name === 'noise_seed')
  if (!wanted) return 0
  return combo ? 2 : 1
}

/** The custom widget type of an input spec, if the frontend draws it with one. */
export function customWidgetType(spec: readonly unknown[]): CustomWidgetType | undefined {
  const type = spec[0]
  return typeof type === 'string' ? CUSTOM_WIDGET_TYPES[type] : undefined
}
