/**
 * The inputs a ComfyUI user looks for first on a node, most looked-for first: the run sheet shows them
 * outside "All inputs" and a graph card lists them before the rest. API files often list inputs
 * alphabetically, which would put `cfg` and `denoise` before `seed` and `steps`.
 */
export const COMMON_INPUTS: readonly string[] = [
  'ckpt_name',
  'unet_name',
  'lora_name',
  'vae_name',
  'clip_name',
  'text',
  'seed',
  'noise_seed',
  'steps',
  'cfg',
  'sampler_name',
  'scheduler',
  'denoise',
  'width',
  'height',
  'batch_size',
  'strength_model',
  'strength_clip',
]

/** Whether a user edits this input often (it is one of {@link COMMON_INPUTS}). */
export function isCommonInput(name: string): boolean {
  return COMMON_INPUTS.includes(name)
}

/** Where an input sorts among a node's inputs: its place in {@link COMMON_INPUTS}, the rest after all of them. */
export function commonInputRank(name: string): number {
  const i = COMMON_INPUTS.indexOf(name)
  return i === -1 ? COMMON_INPUTS.length : i
}
