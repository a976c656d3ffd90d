import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { sourceResolve } from '../scripts/conditions.mjs'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  ...sourceResolve,
  // The worker's imports are found late; naming them avoids a re-optimisation and reload on first visit.
  optimizeDeps: { include: ['idb', 'comlink', 'fflate'] },
  server: { host: '127.0.0.1', port: 5173 },
})
