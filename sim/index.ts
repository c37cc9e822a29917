/**
 * Protocol-faithful ComfyUI simulator (baseline ComfyUI 0.3.64; see the protocol reference).
 * Programmatic API for tests, benchmarks and the demo CLI.
 */
export { SimServer } from './server'
export { startFarm } from './farm'
export type { SimFarm } from './farm'
export type { SimFaults, SimFarmOptions, SimRunSpan, SimServerOptions, SimStats, VramModel } from './types'
export { noFaults } from './types'
export { DEFAULT_MODELS, MODEL_FOLDERS, NODE_CATALOG, nodeInfo, objectInfo, resolveModels } from './catalog/object-info'
export type { ObjectInfoNode } from './catalog/object-info'
export { CORE_NODES, SAMPLERS, SCHEDULERS, MAX_RESOLUTION } from './catalog/core-nodes'
export { EXTRA_NODES } from './catalog/extra-nodes'
export type { InputDef, ModelLists, NodeDef } from './catalog/types'
export { readPngTexts, readPngChunks, encodePng, decodePngRgb, pngSize } from './media/png'
export { pyDumps, parsePyJson, PyFloat } from './py/py-json'
export { COMFYUI_VERSION } from './net/comfy-routes'
export { SAMPLE_CHECKPOINT, txt2img } from './samples/txt2img'
