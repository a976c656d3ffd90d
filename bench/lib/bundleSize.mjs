// The size of `@tapedeck/core` as a browser app ships it: an app that imports the package
// (all of it, or only createRecorder) bundled with Vite and minified, comlink included. Counted:
// the files the page loads at once (without the worker and what is imported lazily: the
// main-thread engine, audio, erasure), and the worker file; gzip level 9.
// Built as an app is, not as a library: a library build keeps its entry's exports exactly
// (rolldown then leaves shared modules in small common chunks instead of merging them into the
// entry) and keeps whitespace in ES output; neither is what an app's build does.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { extname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { minifySync } from 'rolldown/utils'
import { sourceResolve } from '../../scripts/conditions.mjs'
import { sourcesOnly } from './sourcesOnly.mjs'

const core = fileURLToPath(new URL('../../packages/core/', import.meta.url))

/** A file-name function for the bundler: `name-<8 letters of the name's hash>.ext` in `dir`. */
const stableName = (dir) => (file) => {
  const name = file.name ?? file.names?.[0] ?? 'file'
  const ext = extname(name) || '.js'
  const base = name.slice(0, name.length - extname(name).length)
  return `${dir}${base}-${createHash('sha256').update(base).digest('base64url').slice(0, 8)}${ext}`
}

/** Bundles an app whose whole code is `source`, and measures what the page loads. */
async function measure(scratchDir, name, source) {
  mkdirSync(scratchDir, { recursive: true })
  // A .js file: bench/**/*.ts is type-checked with the workspace, this scratch file must not be.
  const entry = join(scratchDir, `${name}.js`)
  writeFileSync(entry, source)
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    root: core,
    mode: 'production',
    resolve: sourceResolve.resolve,
    plugins: [sourcesOnly()],
    build: {
      write: false,
      lib: { entry, formats: ['es'], fileName: 'index' },
      target: 'es2022',
      minify: true,
      sourcemap: false,
      reportCompressedSize: false,
      // Nothing external: comlink (and anything else the page entry imports) is counted. An app's
      // entry exports nothing, so its chunks are laid out freely.
      // The page's code names its lazy chunks and its worker: hashes of the names, not of the
      // contents, so that the names weigh what an app's do and the same code weighs the same in
      // every build (a content hash's letters moved the gzip size by a few bytes).
      rolldownOptions: { external: [], preserveEntrySignatures: false, output: { chunkFileNames: stableName(''), assetFileNames: stableName('assets/') } },
    },
    worker: { format: 'es', plugins: () => [sourcesOnly()], rolldownOptions: { output: { entryFileNames: stableName('assets/'), chunkFileNames: stableName('assets/') } } },
  })
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output)
  const byName = new Map(outputs.map((file) => [file.fileName, file]))
  const entryChunk = outputs.find((file) => file.type === 'chunk' && file.isEntry)
  if (!entryChunk) throw new Error('the core build has no entry chunk')
  // The entry and what it imports statically; dynamic imports and the worker load later.
  const page = new Set()
  const visit = (name) => {
    if (page.has(name)) return
    page.add(name)
    for (const imported of byName.get(name)?.imports ?? []) visit(imported)
  }
  visit(entryChunk.fileName)
  // Vite's library mode minifies ES output but keeps its whitespace; an app's build does not.
  const bytesOf = (file) => Buffer.from(minifySync(file.fileName, file.type === 'chunk' ? file.code : String(file.source)).code)
  const gzip = (buffer) => gzipSync(buffer, { level: 9 }).byteLength
  const pageParts = [...page].map((name) => bytesOf(byName.get(name)))
  // Vite emits the worker as its own (asset) file; the chunk that creates it refers to it by name.
  const workers = outputs.filter((file) => file.type === 'asset' && /worker.*\.js$/.test(file.fileName))
  if (workers.length !== 1) throw new Error(`expected one worker file in the core build, found ${workers.map((w) => w.fileName).join(', ') || 'none'}`)
  const worker = bytesOf(workers[0])
  const lazy = outputs.filter((file) => file.type === 'chunk' && !page.has(file.fileName))
  // What the page entry is made of: each module's size as rendered into it (before minification), largest first.
  const modules = [...page]
    .flatMap((name) => Object.entries(byName.get(name)?.modules ?? {}))
    .map(([id, info]) => [id.startsWith(core) ? id.slice(core.length) : id.replace(/^.*node_modules\//, ''), info.renderedLength])
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1])
  return {
    pageFiles: [...page],
    pageModules: modules.slice(0, 15).map(([module, bytes]) => ({ module, bytes })),
    pageBytes: pageParts.reduce((sum, part) => sum + part.byteLength, 0),
    // Each file travels on its own: the sum of their gzip sizes is what the page downloads.
    pageGzip: pageParts.reduce((sum, part) => sum + gzip(part), 0),
    pageGzipConcatenated: gzip(Buffer.concat(pageParts)),
    workerFile: workers[0].fileName,
    workerBytes: worker.byteLength,
    workerGzip: gzip(worker),
    lazyFiles: lazy.map((file) => ({ file: file.fileName, gzip: gzip(bytesOf(file)) })),
  }
}

export async function coreBundleSize(scratchDir) {
  const index = JSON.stringify(join(core, 'src/index.ts'))
  const full = await measure(scratchDir, 'wholeCore', `import * as tapedeck from ${index}\nglobalThis.tapedeck = tapedeck\n`)
  // What an app pays that imports only the recorder (the rest of the entry tree-shaken away).
  const recorderOnly = await measure(scratchDir, 'recorderOnly', `import { createRecorder } from ${index}\nglobalThis.createRecorder = createRecorder\n`)
  return { ...full, recorderOnly: { pageFiles: recorderOnly.pageFiles, pageBytes: recorderOnly.pageBytes, pageGzip: recorderOnly.pageGzip } }
}

const root = fileURLToPath(new URL('../../', import.meta.url))

/** Newest modification time among the files under `dir` (tests left out), in ms. */
function newestSource(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (!/\.test(-d)?\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/**
 * The script-tag file as its package builds it (`packages/widget/dist/tapedeck.js`, read, not
 * built here), gzip -9. One file: the worker is started from the file's own code, so it is
 * counted. `undefined` when the file is not built; `stale` when a source it is built from
 * (widget or core) changed after it was built.
 */
export function scriptTagSize() {
  const file = join(root, 'packages/widget/dist/tapedeck.js')
  if (!existsSync(file)) return undefined
  const code = readFileSync(file)
  const text = code.toString('utf8')
  // What the widget's own bundle test requires of it: one file, its worker made from itself
  // (LLM capture and audio are sibling files it loads on first use, counted apart).
  const oneFile = /new Worker\(/.test(text) && !/\bimport\s*\(|\bimport\.meta\b|\bimportScripts\s*\(/.test(text)
  const siblings = Object.fromEntries(
    ['llm', 'audio', 'realtime', 'erasure'].map((name) => [name, join(root, `packages/widget/dist/tapedeck-${name}.js`)]).filter(([, path]) => existsSync(path)).map(([name, path]) => [name, gzipSync(readFileSync(path), { level: 9 }).byteLength]),
  )
  const builtAt = statSync(file).mtimeMs
  const sourcesAt = Math.max(newestSource(join(root, 'packages/widget/src')), newestSource(join(root, 'packages/core/src')))
  return {
    file: 'packages/widget/dist/tapedeck.js',
    bytes: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    oneFile,
    siblingsGzip: siblings,
    builtAt: new Date(builtAt).toISOString(),
    stale: sourcesAt > builtAt,
  }
}

/** Copies the built script-tag files (tapedeck.js and its siblings) into `dir`, when built. */
export function copyScriptTagFiles(dir) {
  const dist = join(root, 'packages/widget/dist')
  if (!existsSync(dist)) return
  for (const name of readdirSync(dist)) if (/^tapedeck(-\w+)?\.js$/.test(name)) copyFileSync(join(dist, name), join(dir, name))
}
