// @ts-check
// Renderer-only build used to check that src-renderer compiles on its own (the app build is electron.vite.config.ts).
import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  resolve: { alias: { '@shared': resolve(import.meta.dirname, '../src-shared') } },
  build: {
    outDir: resolve(import.meta.dirname, '../out/renderer-check'),
    emptyOutDir: true,
    rollupOptions: {
      input: { index: resolve(import.meta.dirname, 'index.html'), dev: resolve(import.meta.dirname, 'dev.html') },
    },
  },
})
