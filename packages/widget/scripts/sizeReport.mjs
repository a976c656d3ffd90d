#!/usr/bin/env node
// What each part of the script-tag bundle costs: builds dist/tapedeck.js again in memory, whole
// and without one part at a time (that part's module replaced by empty exports), and prints the
// gzip -9 size of each, the difference being what the part costs. Also the page's and the
// worker's halves: the bundle without the engine, and core's worker entry alone, built the same
// way, and the sibling files (LLM capture, audio) as built. Run from anywhere:
// node packages/widget/scripts/sizeReport.mjs; `npm run bench` prints it too (scriptTagShares).
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'

const widget = fileURLToPath(new URL('..', import.meta.url))
const core = fileURLToPath(new URL('../../core/src/', import.meta.url))

/** Parts, by the module that carries them (everything only it imports goes with it). */
const PARTS = [
  ['recorder on the page (createRecorder)', /core\/src\/client\/createRecorder\.ts$/],
  ['auto capture (clicks, navigation, forms, errors)', /core\/src\/instrument\/autoCapture\.ts$/],
  ['the <tapedeck-recorder> element (markup, styles, logic)', /widget\/src\/element\/TapedeckRecorderElement\.ts$/],
  ['redaction rules', /core\/src\/engine\/jsonRedactor\.ts$/],
  ['sync engine (upload, retry, leader lock)', /core\/src\/sync\/SyncEngine\.ts$/],
  ['IndexedDB store (idbStore, idb)', /core\/src\/storage\/idbStore\.ts$/],
  ['batch encoding (encodeBatch, ChunkCodec)', /core\/src\/storage\/encodeBatch\.ts$/],
  ['compaction', /core\/src\/engine\/Compactor\.ts$/],
  ['in-memory store (fallback without IndexedDB)', /core\/src\/storage\/memoryStore\.ts$/],
  ['page-hide copy (tailWriter)', /core\/src\/client\/tailWriter\.ts$/],
  ['consent', /core\/src\/client\/consentState\.ts$/],
  ['event checks (serialize)', /core\/src\/events\/serialize\.ts$/],
  ['encryption at rest', /core\/src\/crypto\/atRest\.ts$/],
  ['comlink (page ↔ worker calls)', /comlink\/dist\/esm\/comlink\.mjs$/],
  ['session reads in the worker (list, export)', /core\/src\/engine\/reads\.ts$/],
  ['attachments and audio parts in the worker (blobs)', /core\/src\/engine\/blobs\.ts$/],
  ['recovery at open (recover)', /core\/src\/engine\/recover\.ts$/],
  ['seq leases in the worker (SeqLeases)', /core\/src\/engine\/SeqLeases\.ts$/],
  ['seq leases on the page (SeqLeaser)', /core\/src\/client\/SeqLeaser\.ts$/],
  ['page-hide send (keepaliveTail)', /core\/src\/client\/keepaliveTail\.ts$/],
]

/** Replaces modules matching `pattern` by modules that export the same names and do nothing. */
function without(pattern) {
  return {
    name: 'size-report:without',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!pattern || source.startsWith('\0')) return null
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
      return resolved && pattern.test(resolved.id) ? `\0size-report-empty:${resolved.id}` : null
    },
    load(id) {
      if (!id.startsWith('\0size-report-empty:')) return null
      const source = readFileSync(id.slice('\0size-report-empty:'.length), 'utf8')
      const names = new Set()
      for (const [, name] of source.matchAll(/^export (?:async )?(?:function\*?|class|const|let|var) (\w+)/gm)) names.add(name)
      for (const [, list] of source.matchAll(/^export \{([^}]*)\}/gm)) {
        for (const item of list.split(',')) {
          const name = item.trim().split(/\s+as\s+/).pop()
          if (name && !name.startsWith('type ')) names.add(name)
        }
      }
      return [...names].map((name) => (/^[A-Z]/.test(name) ? `export class ${name} {}` : `export const ${name} = () => () => {}`)).join('\n')
    },
  }
}

/**
 * What core's worker entry does (engine/worker.ts: imported for its side effects, it would be
 * dropped, core being `sideEffects: false`), with one export so that it builds like the bundle.
 */
const WORKER_HALF = 'size-report:worker-half'
const workerHalfEntry = {
  name: 'size-report:worker-half',
  resolveId: (source) => (source.endsWith(WORKER_HALF) ? `\0${WORKER_HALF}` : null),
  load: (id) =>
    id === `\0${WORKER_HALF}`
      ? [
          "import { expose } from 'comlink'",
          `import { RecorderEngine } from ${JSON.stringify(`${core}engine/RecorderEngine.ts`)}`,
          'expose(new RecorderEngine())',
          "postMessage('tapedeck:ready')",
          'export const worker = true',
        ].join('\n')
      : null,
}

async function gzipOf(pattern, entry) {
  const output = await build({
    configFile: `${widget}/vite.config.ts`,
    root: widget,
    mode: 'script',
    logLevel: 'silent',
    plugins: [without(pattern), workerHalfEntry],
    build: { write: false, ...(entry && { lib: { entry, formats: ['iife'], name: 'Tapedeck', fileName: () => 'tapedeck.js' } }) },
  })
  const chunk = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output).find((file) => file.fileName === 'tapedeck.js')
  return gzipSync(chunk.code, { level: 9 }).byteLength
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`

/** Rows of [label, gzip bytes or an error text]: the file whole, its halves, each part, the siblings. */
export async function scriptTagShares() {
  const full = await gzipOf(undefined)
  const rows = [['dist/tapedeck.js, whole (as built here)', full]]
  const pageHalf = await gzipOf(/core\/src\/engine\/RecorderEngine\.ts$/)
  const workerHalf = await gzipOf(undefined, WORKER_HALF)
  rows.push(['  page half (without the engine)', pageHalf])
  rows.push(["  worker half (core's worker entry alone)", workerHalf])
  rows.push(['  shared by both, counted once', pageHalf + workerHalf - full])
  for (const [label, pattern] of PARTS) {
    try {
      rows.push([`  ${label}`, full - (await gzipOf(pattern))])
    } catch (error) {
      rows.push([`  ${label}`, `could not build without it (${error.message.split('\n')[0]})`])
    }
  }
  for (const name of ['llm', 'audio', 'realtime', 'erasure', 'capture']) {
    const file = `${widget}/dist/tapedeck-${name}.js`
    rows.push([`dist/tapedeck-${name}.js, loaded on first use (as built)`, existsSync(file) ? gzipSync(readFileSync(file), { level: 9 }).byteLength : 'not built'])
  }
  return rows
}

/** The rows as a table, KB = 1000 bytes. */
export function formatShares(rows) {
  const width = Math.max(...rows.map(([label]) => label.length))
  return ['gzip -9 (zlib level 9), KB = 1000 bytes; budget 30 KB', ...rows.map(([label, value]) => `${label.padEnd(width)}  ${typeof value === 'number' ? kb(value) : value}`)].join('\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(formatShares(await scriptTagShares()))
