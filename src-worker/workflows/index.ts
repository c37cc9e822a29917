/** Workflow entry point (bundled by scripts/bundle-workflows.mjs into resources/workflow-bundle.js). */
export { comfyRunWorkflow } from './run-workflow'
export { comfyBatchWorkflow } from './batch-workflow'
export { comfyServerClaimWorkflow } from './server-claim'
