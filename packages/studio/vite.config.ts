import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { sourceResolve } from '../../scripts/conditions.mjs'

// The Studio is a static single-page app: `vite build` writes dist/ (relative URLs, so it works
// under any path), which tapedeck-server serves at `/` (packages/server/src/studio/serveStudio.ts).
// The Tapedeck packages are read from their sources (the "@tapedeck/source" condition) and bundled.
// `npm run dev -w @tapedeck/studio` proxies /v1 to a tapedeck-server on 8787.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  ...sourceResolve,
  plugins: [react()],
  cacheDir: fileURLToPath(new URL('../../node_modules/.vite/studio', import.meta.url)),
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600 },
  server: { host: '127.0.0.1', port: 5174, proxy: { '/v1': 'http://127.0.0.1:8787' } },
})
