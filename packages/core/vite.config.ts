import { fileURLToPath } from 'node:url'
import { build, defineConfig, type Plugin } from 'vite'

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

/**
 * The worker's optional parts, each loaded the first time it is needed. Each is its own
 * self-contained file beside the worker (`tapedeck-worker-<part>.js`), not a chunk of it: an app's
 * bundler builds the worker again, and Vite's default worker format ('iife') inlines every chunk a
 * worker imports. A part is `source`, resolved from the engine's `import()` of it; `entry` is what
 * the file holds (the names the engine takes from it, where the module is not ours).
 */
const WORKER_PARTS: Record<string, { source: (id: string) => boolean; entry: string }> = {
  // gzip at a chosen `compressionLevel`, and for browsers without CompressionStream (util/gzip.ts).
  fflate: { source: (id) => id === 'fflate', entry: "export { gzipSync, gunzipSync } from 'fflate'" },
  // transport: 'otlp' (sync/otlp).
  otlp: { source: (id) => id.endsWith('/src/sync/otlp/index.ts'), entry: "export * from './src/sync/otlp/index.ts'" },
  // encryptForServer, and reading sealed sessions (crypto/sealForServer.ts).
  sealing: { source: (id) => id.endsWith('/src/crypto/sealForServer.ts'), entry: "export * from './src/crypto/sealForServer.ts'" },
}
const PART_ID = 'tapedeck-worker-part:'
const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * In the worker build, the engine's `import()` of a part becomes
 * `import(/* @vite-ignore *\/ /* webpackIgnore: true *\/ url)` of the part's file, its URL made
 * with `new URL('./tapedeck-worker-<part>.js', import.meta.url)` — the form every bundler copies
 * as a file (and leaves alone). A self-hosted worker finds its parts beside it.
 */
function workerParts(): Plugin {
  return {
    name: 'tapedeck:worker-parts',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if ((options as { kind?: string }).kind !== 'dynamic-import') return null
      const resolved = source === 'fflate' ? { id: 'fflate' } : await this.resolve(source, importer, { skipSelf: true })
      const part = Object.entries(WORKER_PARTS).find(([, { source }]) => resolved && source(resolved.id))?.[0]
      return part ? { id: PART_ID + part, external: true } : null
    },
    async generateBundle(_, bundle) {
      const used = new Set<string>()
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue
        const code = chunk.code.replace(new RegExp(`\\bimport\\((["'\`])${PART_ID}(\\w+)\\1\\)`, 'g'), (_, _q, part: string) => {
          used.add(part)
          return `import(/* @vite-ignore */ /* webpackIgnore: true */ __tapedeckPart.${part}())`
        })
        if (code === chunk.code) continue
        const urls = [...used].map((part) => `${part}: () => new URL("./tapedeck-worker-${part}.js", import.meta.url).href`)
        chunk.code = `const __tapedeckPart = { ${urls.join(', ')} };\n${code}`
      }
      const missing = Object.keys(WORKER_PARTS).filter((part) => !used.has(part))
      if (missing.length) this.error(`the worker no longer imports ${missing.join(', ')}: update WORKER_PARTS in vite.config.ts`)
      for (const [part, { entry }] of Object.entries(WORKER_PARTS)) {
        this.emitFile({ type: 'asset', fileName: `tapedeck-worker-${part}.js`, source: await buildPart(part, entry) })
      }
    },
  }
}

/** One part as one file, everything it imports included: minified ES module. */
async function buildPart(part: string, entry: string): Promise<string> {
  const id = `\0tapedeck-part-entry:${part}`
  const result = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: [{ name: 'tapedeck:part-entry', resolveId: (source) => (source === id ? id : null), load: (loaded) => (loaded === id ? entry : null) }],
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      reportCompressedSize: false,
      rolldownOptions: { input: id, preserveEntrySignatures: 'strict', output: { format: 'es', minify: true } },
    },
  })
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []))
  const chunks = outputs.filter((file) => file.type === 'chunk')
  if (chunks.length !== 1) throw new Error(`the worker part ${part} was built as ${chunks.length} files, not one`)
  return chunks[0]!.code
}

// Library build: the page entry keeps its dependencies external (the app's bundler resolves
// them); the worker is bundled whole, so it also works as a self-hosted file (`workerUrl`), with
// its optional parts as files beside it.
export default defineConfig({
  base: './',
  plugins: [plainWorkerUrl()],
  build: {
    lib: { entry: { index: 'src/index.ts', instrument: 'src/instrument/index.ts', engine: 'src/engine/serveEngine.ts', redact: 'src/redact/index.ts', realtime: 'src/realtime/index.ts', read: 'src/read/index.ts' }, formats: ['es'] },
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: { external: ['idb', 'comlink', 'fflate'] },
  },
  worker: { format: 'es', plugins: () => [workerParts()], rolldownOptions: { output: { entryFileNames: 'tapedeck-worker.js' } } },
})
