import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { sourceResolve } from '../scripts/conditions.mjs'
import { sourcesOnly } from './lib/sourcesOnly.mjs'

/**
 * The bench pages, built for production (minified) from the package sources, as an app would
 * ship them: the recorder's worker is its own built file. `bench/run.mjs` builds and serves them.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./pages', import.meta.url)),
  base: '/',
  mode: 'production',
  resolve: sourceResolve.resolve,
  plugins: [sourcesOnly()],
  build: {
    outDir: fileURLToPath(new URL('./dist/pages', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    reportCompressedSize: false,
  },
  worker: { format: 'es', plugins: () => [sourcesOnly()] },
  logLevel: 'warn',
})
