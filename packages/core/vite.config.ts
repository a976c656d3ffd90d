import { defineConfig, type Plugin } from 'vite'

/**
 * Vite writes the worker's URL wrapped in a second `new URL(/* @vite-ignore *\/ …, "" + import.meta.url)`.
 * Apps bundle this package again, and their bundlers (Vite, webpack 5, Parcel) only recognise the
 * plain `new URL("./file.js", import.meta.url)` form: write it so.
 */
function plainWorkerUrl(): Plugin {
  return {
    name: 'tapedeck:plain-worker-url',
    enforce: 'post',
    renderChunk(code) {
      const plain = code.replace(
        /new URL\(\s*\/\* @vite-ignore \*\/\s*new URL\("(?:\.\/)?tapedeck-worker\.js", import\.meta\.url\)\.href,\s*"" \+ import\.meta\.url\s*\)/g,
        'new URL("./tapedeck-worker.js", import.meta.url)',
      )
      return plain === code ? null : { code: plain, map: null }
    },
  }
}

// Library build: the page entry keeps its dependencies external (the app's bundler resolves
// them); the worker is bundled whole, so it also works as a self-hosted file (`workerUrl`).
export default defineConfig({
  base: './',
  plugins: [plainWorkerUrl()],
  build: {
    lib: { entry: { index: 'src/index.ts', instrument: 'src/instrument/index.ts', engine: 'src/engine/serveEngine.ts', redact: 'src/redact/index.ts', realtime: 'src/realtime/index.ts' }, formats: ['es'] },
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: { external: ['idb', 'comlink', 'fflate'] },
  },
  worker: { format: 'es', rolldownOptions: { output: { entryFileNames: 'tapedeck-worker.js' } } },
})
