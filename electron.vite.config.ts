import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { cspMetaTag } from './src-shared/security/content-security-policy'

// Main-process code has three entries built together: the Electron shell (index), the same core
// without Electron (headless), and the Temporal worker that main forks (worker). `dependencies`
// (@temporalio/*, better-sqlite3, sharp, ws) stay external require()s: they carry native code, and
// bundling the Temporal SDK is unsupported (sdk-typescript#1406).
export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src-main/index.ts'),
          headless: resolve(__dirname, 'src-main/headless.ts'),
          cli: resolve(__dirname, 'src-main/cli/index.ts'),
          sdk: resolve(__dirname, 'sdk/index.ts'),
          worker: resolve(__dirname, 'src-worker/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require() anything but electron: bundle it whole.
      externalizeDeps: false,
      rolldownOptions: { input: { index: resolve(__dirname, 'src-main/electron/preload.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    base: './',
    resolve: { alias: { '@shared': resolve(__dirname, 'src-shared') } },
    build: { rolldownOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } } },
    // The packaged app loads index.html from file://: its CSP must be in the file itself.
    plugins: [react(), cspMetaTag()],
  },
})
