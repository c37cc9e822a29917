#!/usr/bin/env node
// Pre-bundles the Temporal workflow code (the production sample's approach): the worker then loads
// resources/workflow-bundle.js with `workflowBundle: { codePath }` and never runs webpack at start.
// Not minified: workflow function names are the workflow types.
import { bundleWorkflowCode } from '@temporalio/worker'
import { createRequire } from 'node:module'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// Run with tsx (package.json): the bundle's options have one home, shared with the worker and the tests.
// Required as CommonJS, as the worker and the tests load it.
const { workflowBundleOptions } = createRequire(import.meta.url)('../src-worker/workflow-bundle-options.ts')
const out = join(root, 'resources', 'workflow-bundle.js')
const started = Date.now()
const { code } = await bundleWorkflowCode({
  ...workflowBundleOptions(),
  logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
})
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, code)
console.log(`[bundle-workflows] ${out} (${(code.length / 1e6).toFixed(2)} MB) in ${Date.now() - started} ms`)
