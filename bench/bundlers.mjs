#!/usr/bin/env node
// What Tapedeck costs an app built with each bundler's DEFAULT configuration, from the packed
// tarballs (not the workspace): a fresh app in a temporary folder outside the repository
// installs `npm pack` of @tapedeck/core, and is built twice — with and without the recorder.
// Printed per bundler: what Tapedeck adds to the app's main chunk (gzip -9), the worker file the
// page starts (gzip -9), and the worker's lazy chunks. Usage: node bench/bundlers.mjs (after
// `npm run build`).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'

const ROOT = new URL('..', import.meta.url).pathname
const APP = join(tmpdir(), `tapedeck-bundlers-${process.pid}`)
const gzip = (path) => gzipSync(readFileSync(path), { level: 9 }).byteLength
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`

// The app: a recorder started on load, one message recorded. The baseline does the same work
// without Tapedeck (so the app's own code is counted on both sides).
const WITH = `import { createRecorder } from '@tapedeck/core'
const recorder = createRecorder({ endpoint: '/rec' })
recorder.start({ feature: 'chat' }).then(() => recorder.record('message.created', { messageId: 'm1', role: 'user', content: document.title }))
`
const WITHOUT = `const recorder = { start: async () => {}, record: (type, data) => console.log(type, data) }
recorder.start({ feature: 'chat' }).then(() => recorder.record('message.created', { messageId: 'm1', role: 'user', content: document.title }))
`

function sh(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`)
  return result.stdout
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true }).map((file) => join(dir, String(file))).filter((file) => statSync(file).isFile() && file.endsWith('.js'))
}

// 1. The app, with the packed package installed from its tarball.
rmSync(APP, { recursive: true, force: true })
mkdirSync(join(APP, 'src'), { recursive: true })
const packed = sh('npm', ['pack', '--silent', '--pack-destination', APP], join(ROOT, 'packages/core')).trim().split('\n').pop()
writeFileSync(join(APP, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { '@tapedeck/core': `file:./${packed}` } }, null, 2))
sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], APP)
writeFileSync(join(APP, 'index.html'), '<!doctype html><title>app</title><script type="module" src="/src/main.js"></script>\n')

// The bundlers are the workspace's own (vite, webpack, esbuild devDependencies), run on the app's folder.
const require = createRequire(join(ROOT, 'package.json'))

/** Each bundler with its defaults: builds `src/main.js` into `outDir`; returns the main chunk. */
const BUNDLERS = {
  async vite(outDir) {
    const { build } = await import(require.resolve('vite'))
    await build({ root: APP, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true } })
    const html = readFileSync(join(outDir, 'index.html'), 'utf8')
    return join(outDir, /src="\/([^"]+\.js)"/.exec(html)[1])
  },
  // Not a default: the one option that lets Vite split the worker's lazy chunks (its default
  // worker format, 'iife', inlines them), shown for comparison.
  async 'vite, worker.format es'(outDir) {
    const { build } = await import(require.resolve('vite'))
    await build({ root: APP, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true }, worker: { format: 'es' } })
    const html = readFileSync(join(outDir, 'index.html'), 'utf8')
    return join(outDir, /src="\/([^"]+\.js)"/.exec(html)[1])
  },
  async webpack(outDir) {
    const webpack = require('webpack')
    const stats = await new Promise((resolve, reject) =>
      webpack({ mode: 'production', context: APP, entry: './src/main.js', output: { path: outDir } }, (error, result) =>
        error || result.hasErrors() ? reject(error ?? new Error(result.toString('errors-only'))) : resolve(result)),
    )
    void stats
    return join(outDir, 'main.js')
  },
  async esbuild(outDir) {
    const esbuild = require('esbuild')
    // esbuild's defaults for a browser app: bundle and minify, one output file (no splitting).
    await esbuild.build({ absWorkingDir: APP, entryPoints: ['src/main.js'], bundle: true, minify: true, format: 'esm', outdir: outDir, logLevel: 'silent' })
    return join(outDir, 'main.js')
  },
}

const rows = []
for (const [name, bundle] of Object.entries(BUNDLERS)) {
  writeFileSync(join(APP, 'src/main.js'), WITHOUT)
  const baseline = gzip(await bundle(join(APP, `dist-${name.replace(/\W+/g, '-')}-baseline`)))
  writeFileSync(join(APP, 'src/main.js'), WITH)
  const outDir = join(APP, `dist-${name.replace(/\W+/g, '-')}`)
  const main = await bundle(outDir)
  const files = filesUnder(outDir)
  // The worker: the file that carries the engine's entry (serveEngine says it is ready).
  // The worker: the largest file, other than the main chunk, that says the worker is ready.
  const worker = files.filter((file) => file !== main && readFileSync(file, 'utf8').includes('tapedeck:ready')).sort((a, b) => gzip(b) - gzip(a))[0]
  // Everything else is loaded only when needed: the page's (main-thread fallback, audio, erasure)
  // and the worker's (fflate, OTLP, sealing) lazy chunks.
  const lazy = files.filter((file) => file !== main && file !== worker)
  rows.push({
    bundler: name,
    main: gzip(main) - baseline,
    worker: worker ? gzip(worker) : undefined,
    workerFile: worker && relative(outDir, worker),
    lazy: lazy.reduce((sum, file) => sum + gzip(file), 0),
    lazyCount: lazy.length,
  })
}

/**
 * Next.js (app router, its default configuration: Turbopack) on the same app as a client
 * component's effect, with and without the recorder. Next is no workspace dependency: the app
 * installs it next to the tarball. Counted: the JS the page loads first (its <script> tags, with
 * minus without), the worker (Next copies it as an asset), and the other new JS, loaded when needed.
 * Skipped with --no-next (two `next build`s: minutes on a small machine).
 */
async function nextjs() {
  const dir = join(APP, 'next')
  mkdirSync(join(dir, 'app'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'next-app', private: true, dependencies: { '@tapedeck/core': `file:../${packed}`, next: '^16.0.0', react: '^19.0.0', 'react-dom': '^19.0.0' } }))
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir)
  writeFileSync(join(dir, 'app/layout.jsx'), 'export default function Layout({ children }) { return <html><body>{children}</body></html> }\n')
  const build = (code) => {
    const [imports, body] = code.startsWith('import') ? [code.slice(0, code.indexOf('\n')), code.slice(code.indexOf('\n') + 1)] : ['', code]
    writeFileSync(join(dir, 'app/page.jsx'), `'use client'\nimport { useEffect } from 'react'\n${imports}\nexport default function Page() {\n  useEffect(() => {\n${body}  }, [])\n  return <p>app</p>\n}\n`)
    rmSync(join(dir, '.next'), { recursive: true, force: true })
    sh(process.execPath, [join(dir, 'node_modules/next/dist/bin/next'), 'build'], dir)
    const html = readFileSync(join(dir, '.next/server/app/index.html'), 'utf8')
    const initial = new Set([...html.matchAll(/<script src="\/_next\/(static\/[^"]+\.js)"/g)].map((match) => join(dir, '.next', match[1])))
    const files = filesUnder(join(dir, '.next/static'))
    const worker = files.find((file) => /tapedeck-worker/.test(file))
    const sum = (list) => list.reduce((total, file) => total + gzip(file), 0)
    const others = files.filter((file) => !initial.has(file) && file !== worker)
    return { main: sum([...initial]), worker, workerFile: worker && relative(join(dir, '.next'), worker), lazy: sum(others), lazyCount: others.length }
  }
  const baseline = build(WITHOUT)
  const recorded = build(WITH)
  return {
    bundler: `Next.js ${JSON.parse(readFileSync(join(dir, 'node_modules/next/package.json'), 'utf8')).version} (Turbopack)`,
    main: recorded.main - baseline.main,
    worker: recorded.worker ? gzip(recorded.worker) : undefined,
    workerFile: recorded.workerFile,
    lazy: recorded.lazy - baseline.lazy,
    lazyCount: recorded.lazyCount - baseline.lazyCount,
  }
}
if (!process.argv.includes('--no-next')) rows.push(await nextjs())

console.log(`@tapedeck/core ${JSON.parse(readFileSync(join(ROOT, 'packages/core/package.json'), 'utf8')).version} from ${packed}, each bundler's default configuration, gzip -9:\n`)
console.log('| bundler (default config) | added to the main chunk | worker | lazy chunks (page and worker), loaded when needed |')
console.log('| --- | --- | --- | --- |')
for (const row of rows) {
  const worker = row.worker === undefined ? 'not emitted (the page falls back to the main thread: copy the worker, see README)' : `${kb(row.worker)} (${row.workerFile})`
  console.log(`| ${row.bundler} | ${kb(row.main)} | ${worker} | ${row.lazyCount ? `${row.lazyCount} files, ${kb(row.lazy)} in all` : '—'} |`)
}
rmSync(APP, { recursive: true, force: true })
