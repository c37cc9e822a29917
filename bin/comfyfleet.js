#!/usr/bin/env node
// `npx comfyfleet …`: the CLI over the local API (built into out/main/cli.js by `npm run build`).
const { existsSync } = require('node:fs')
const { join } = require('node:path')
const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  console.error('comfyfleet is not built: run `npm install` (or `npm run build`) in the ComfyFleet folder.')
  process.exit(2)
}
require(cli)
