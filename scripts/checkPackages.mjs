#!/usr/bin/env node
// The packaging check (run by `npm test` after the build): what an app gets from npm, read from
// the tarballs `npm pack` makes, not from the workspace.
//   1. each tarball holds LICENSE, README, CHANGELOG, every file its package.json names (exports,
//      main, types, typesVersions, bin), and no tests, test helpers or build configuration;
//   2. publint and @arethetypeswrong/cli find nothing;
//   3. consumers (scripts/consumer/) typecheck against the unpacked tarballs under
//      `moduleResolution` bundler, node16, nodenext and node10, with `skipLibCheck: false`;
//   4. the server installed from its tarball in an empty app brings none of pg's packages, and
//      says how to add `pg` when PostgreSQL is asked for.
// A failure listed in KNOWN_FAILURES (with its reason) is reported but does not fail the check;
// one that no longer happens fails it, so the list shrinks as soon as the cause is fixed.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'

const ROOT = new URL('..', import.meta.url).pathname
// Outside the repository, so nothing resolves from the workspace's own node_modules by accident.
const WORK = join(tmpdir(), `tapedeck-packcheck-${process.pid}`)
const PACKAGES = ['core', 'player', 'react', 'widget', 'server', 'node']

/** Exports that are files to serve or link, not modules to import: no types to check. */
const ASSETS = {
  '@tapedeck/core': ['./worker', './worker-fflate', './worker-otlp', './worker-sealing'], // the worker file, for `workerUrl`, and the parts it loads from beside it
  '@tapedeck/widget': ['./tapedeck.js', './tapedeck.mjs', './tapedeck-llm.js', './tapedeck-audio.js', './tapedeck-realtime.js', './tapedeck-erasure.js', './tapedeck-capture.js'], // the script-tag files and their siblings, for a <script> tag
  '@tapedeck/react': ['./viewer.css'],
}

/** Packages whose every built module must open with a directive (the build can drop it). */
const DIRECTIVES = {
  '@tapedeck/react': 'use client', // hooks and the provider: client components for the Next.js app router
}

/**
 * Failures known today, each with why, matched against the check's output. Remove an entry when
 * its cause is fixed (the check says so).
 */
export const KNOWN_FAILURES = []

/** ESM-only packages: that `require()` from CommonJS (node16) gets ESM is Node's own rule, not a types error. */
const IGNORED_ATTW_KINDS = new Set(['CJSResolvesToESM'])

const RESOLUTIONS = {
  bundler: { module: 'ESNext', moduleResolution: 'Bundler' },
  node16: { module: 'Node16', moduleResolution: 'Node16' },
  nodenext: { module: 'NodeNext', moduleResolution: 'NodeNext' },
  node10: { module: 'CommonJS', moduleResolution: 'Node10' },
}

/**
 * Consumers: which packages each reads, the environment it runs in (`types`), and the third-party
 * modules its app installs besides the packages' dependencies and required peers (`modules`).
 */
const CONSUMERS = [
  { name: 'browser', files: ['browser.ts', 'customEvents.ts'], types: [], modules: ['@types/react', '@types/react-dom', '@tanstack/react-query'], packages: ['@tapedeck/core', '@tapedeck/player', '@tapedeck/react', '@tapedeck/widget'] },
  { name: 'script-tag', files: ['scriptTag.ts'], types: [], modules: [], packages: ['@tapedeck/widget'] },
  // The main entry on the file store, with neither @types/node nor @types/pg: an edge or Next.js app.
  { name: 'server', files: ['server.ts'], types: [], modules: [], packages: ['@tapedeck/server'] },
  // Its /node and /postgres entries and @tapedeck/node, in a Node app with pg installed.
  { name: 'node', files: ['node.ts', 'postgres.ts', 'nodeRecorder.ts'], types: ['node'], modules: ['@types/node', 'pg', '@types/pg'], packages: ['@tapedeck/server', '@tapedeck/node'] },
]

const results = [] // { package, check, ok, output }
const started = performance.now()
const phase = (name) => console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`)

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: ROOT, ...options })
  return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` }
}

function shAsync(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('close', (status) => resolve({ status: status ?? 1, output }))
  })
}

function report(pkg, check, ok, output = '') {
  results.push({ package: pkg, check, ok, output })
}

// 1. Pack.
rmSync(WORK, { recursive: true, force: true })
mkdirSync(join(WORK, 'tarballs'), { recursive: true })
const packed = []
for (const dir of PACKAGES) {
  const pkgDir = join(ROOT, 'packages', dir)
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
  const pack = sh('npm', ['pack', '--json', '--silent', '--pack-destination', join(WORK, 'tarballs')], { cwd: pkgDir })
  if (pack.status !== 0) {
    report(manifest.name, 'pack', false, pack.output)
    continue
  }
  const [info] = JSON.parse(pack.output.slice(pack.output.indexOf('[')))
  packed.push({ dir, manifest, tarball: join(WORK, 'tarballs', info.filename), files: info.files.map((file) => file.path), size: info.size })
}

phase('packed')

// 2. What each tarball holds.
const FORBIDDEN = [
  /(^|\/)(test|tests|__tests__|fixtures|testing)\//,
  /\.(test|test-d|spec|bench)\.[cm]?[jt]sx?$/,
  /(^|\/)tsconfig[^/]*\.json$/,
  /(^|\/)vite\.config\./,
  /\.tsbuildinfo$/,
]
const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8')

function targets(value, key = '') {
  if (typeof value === 'string') return [{ condition: key, path: value }]
  if (Array.isArray(value)) return value.flatMap((item) => targets(item, key))
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => targets(v, k))
  return []
}

for (const { manifest, files, dir } of packed) {
  const problems = []
  const has = new Set(files)
  for (const required of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    if (!has.has(required)) problems.push(`missing ${required}`)
  }
  if (has.has('LICENSE') && readFileSync(join(ROOT, 'packages', dir, 'LICENSE'), 'utf8') !== license) problems.push('LICENSE differs from the repository LICENSE')
  const named = [
    ...targets(manifest.exports),
    ...targets({ main: manifest.main, types: manifest.types, bin: manifest.bin, unpkg: manifest.unpkg, jsdelivr: manifest.jsdelivr }),
    ...targets(manifest.typesVersions),
  ]
  for (const { condition, path } of named) {
    // The workspace resolves its packages to their sources under this condition; apps never set it.
    if (condition === '@tapedeck/source') continue
    const file = path.replace(/^\.\//, '')
    if (!has.has(file)) problems.push(`${condition || 'a field'} names ${path}, which is not in the tarball`)
  }
  for (const file of files) {
    if (FORBIDDEN.some((pattern) => pattern.test(file))) problems.push(`should not ship ${file}`)
  }
  // The source maps carry their sources (sourcesContent): only files an export names ship from src/.
  for (const file of files) {
    if (file.startsWith('src/') && !named.some(({ condition, path }) => condition !== '@tapedeck/source' && path === `./${file}`)) problems.push(`should not ship ${file}`)
  }
  const directive = DIRECTIVES[manifest.name]
  if (directive) {
    for (const file of files.filter((name) => /^dist\/.*\.js$/.test(name))) {
      const head = readFileSync(join(ROOT, 'packages', dir, file), 'utf8').slice(0, 40)
      if (!new RegExp(`^(['"])${directive}\\1`).test(head)) problems.push(`${file} does not open with "${directive}"`)
    }
  }
  report(manifest.name, 'contents', problems.length === 0, problems.join('\n'))
}

// 3. publint and attw.
for (const { manifest, tarball } of packed) {
  const bytes = readFileSync(tarball)
  const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, level: 'suggestion', strict: true })
  const lines = messages.map((message) => `${message.type}: ${formatMessage(message, pkg) ?? message.code}`)
  report(manifest.name, 'publint', messages.length === 0, lines.join('\n'))

  const assets = ASSETS[manifest.name] ?? []
  // Into a file: attw exits while its output to a pipe is still being written, and a large report
  // (core's, about 280 KB) arrives cut (219 KB of it, measured), so it would not parse.
  const attwFile = join(WORK, `attw-${manifest.name.replace(/\W/g, '_')}.json`)
  const out = openSync(attwFile, 'w')
  const attw = sh(process.execPath, [
    join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js'), tarball, '--format', 'json', '--no-definitely-typed',
    ...(assets.length ? ['--exclude-entrypoints', ...assets] : []),
  ], { stdio: ['ignore', out, 'pipe'] })
  closeSync(out)
  attw.output = readFileSync(attwFile, 'utf8') + attw.output
  let problems = []
  try {
    const json = JSON.parse(attw.output.slice(attw.output.indexOf('{')))
    problems = (json.analysis?.problems ?? []).filter((p) => !IGNORED_ATTW_KINDS.has(p.kind)).map((p) => `${p.entrypoint ?? ''} ${p.resolutionKind ?? ''} ${p.kind}${p.moduleSpecifier ? ` (${p.moduleSpecifier})` : ''}`.trim())
  } catch {
    problems = [attw.output || `attw exited with ${attw.status}`]
  }
  report(manifest.name, 'attw', problems.length === 0, problems.join('\n'))
}

phase('publint and attw')

// 4. Consumers under each resolution, against the unpacked tarballs. Each consumer is an app in
// a folder of its own: the packages unpacked into its node_modules, their dependencies and
// required peers, and the modules it names — nothing else of the workspace (no @types/pg unless
// it uses PostgreSQL: an app on the file store does not install it). Optional peers are left out.
const consumerRoot = join(WORK, 'consumer')
const required = new Set()
for (const { manifest } of packed) {
  const optional = manifest.peerDependenciesMeta ?? {}
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    if (!name.startsWith('@tapedeck/') && !optional[name]?.optional) required.add(name)
  }
}
for (const consumer of CONSUMERS) {
  const dir = join(consumerRoot, consumer.name)
  for (const { manifest, tarball } of packed) {
    const into = join(dir, 'node_modules', manifest.name)
    mkdirSync(into, { recursive: true })
    const untar = sh('tar', ['-xzf', tarball, '-C', into, '--strip-components=1'])
    if (untar.status !== 0) report(manifest.name, 'unpack', false, untar.output)
  }
  for (const name of new Set([...required, ...consumer.modules])) {
    const from = join(ROOT, 'node_modules', name)
    const to = join(dir, 'node_modules', name)
    if (!existsSync(from)) continue
    mkdirSync(dirname(to), { recursive: true })
    symlinkSync(from, to, 'dir')
  }
  // The consumer is an ES module app; node10's CommonJS reading of it is checked too.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${consumer.name}`, private: true, type: 'module' }))
  for (const file of consumer.files) cpSync(join(ROOT, 'scripts', 'consumer', file), join(dir, file))
}

const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
const typechecks = []
for (const consumer of CONSUMERS) {
  for (const [resolution, options] of Object.entries(RESOLUTIONS)) {
    const project = join(consumerRoot, consumer.name, `tsconfig.${resolution}.json`)
    writeFileSync(project, JSON.stringify({
      compilerOptions: {
        target: 'ES2022', ...options, lib: ['ES2023', 'DOM', 'DOM.Iterable'], jsx: 'react-jsx',
        strict: true, noEmit: true, skipLibCheck: false, skipDefaultLibCheck: true, noUncheckedSideEffectImports: true, types: consumer.types,
        ...(resolution === 'node10' && { ignoreDeprecations: '5.0' }),
      },
      files: consumer.files,
    }, null, 2))
    typechecks.push({ consumer, resolution, project })
  }
}
// Two at a time: the machines that run this have few cores.
const queue = [...typechecks]
await Promise.all([0, 1].map(async () => {
  for (let next = queue.shift(); next; next = queue.shift()) next.run = await shAsync(process.execPath, [tsc, '-p', next.project, '--pretty', 'false'])
}))
for (const { consumer, resolution, run } of typechecks) {
  {
    const diagnostics = run.output.split('\n').filter((line) => /error TS\d+/.test(line))
    // A diagnostic belongs to the package whose files it is in, or whose consumer line it is on.
    for (const name of consumer.packages) {
      const mine = diagnostics.filter((line) => line.includes(`node_modules/${name}/`) || line.includes(`'${name}`) || ownerOf(consumer, line) === name)
      report(name, `types:${resolution}`, mine.length === 0, mine.join('\n'))
    }
    const unowned = diagnostics.filter((line) => !consumer.packages.some((name) => line.includes(`node_modules/${name}/`) || line.includes(`'${name}`) || ownerOf(consumer, line) === name))
    if (unowned.length || (run.status !== 0 && diagnostics.length === 0)) report(`consumer ${consumer.name}`, `types:${resolution}`, false, unowned.join('\n') || run.output)
  }
}

/** The package a consumer line is about: consumer files mark their sections `// @package <name>`. */
function ownerOf(consumer, line) {
  const match = /^([^(]+)\((\d+),\d+\)/.exec(line)
  if (!match) return undefined
  const file = join(consumerRoot, consumer.name, match[1].replace(/^.*\//, ''))
  if (!existsSync(file)) return undefined
  const lines = readFileSync(file, 'utf8').split('\n').slice(0, Number(match[2]))
  for (let i = lines.length - 1; i >= 0; i--) {
    const section = /\/\/ @package (\S+)/.exec(lines[i])
    if (section) return section[1]
  }
  return undefined
}

phase('consumers typechecked')

// 5. What an app on the file store installs: the server's tarball, and the Tapedeck packages it
// depends on from theirs, in an empty app. `pg` is an optional peer dependency: none of its
// packages may come along; the main entry runs, and PostgreSQL asked for says how to add `pg`.
const PG_PACKAGES = /^(pg|pg-.+|pgpass|postgres-.+|@types\/pg)$/
const installed = checkServerInstall()
phase('server installed')

function checkServerInstall() {
  const app = join(WORK, 'install')
  mkdirSync(app, { recursive: true })
  const tarballs = Object.fromEntries(packed.map(({ manifest, tarball }) => [manifest.name, `file:${tarball}`]))
  // @tapedeck/studio (the built Studio, a dependency of the server) is packed only for this.
  const studio = sh('npm', ['pack', '--json', '--silent', '--pack-destination', join(WORK, 'tarballs')], { cwd: join(ROOT, 'packages', 'studio') })
  if (studio.status !== 0) return report('@tapedeck/server', 'install', false, studio.output)
  tarballs['@tapedeck/studio'] = `file:${join(WORK, 'tarballs', JSON.parse(studio.output.slice(studio.output.indexOf('[')))[0].filename)}`
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'file-store-app', private: true, type: 'module',
    dependencies: { '@tapedeck/server': tarballs['@tapedeck/server'] }, overrides: tarballs,
  }, null, 2))
  const install = sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app })
  if (install.status !== 0) return report('@tapedeck/server', 'install', false, install.output)
  const list = sh('npm', ['ls', '--all', '--parseable'], { cwd: app })
  const names = list.output.split('\n').filter(Boolean).slice(1).map((path) => path.replace(/^.*node_modules\//, ''))
  const problems = names.filter((name) => PG_PACKAGES.test(name)).map((name) => `installs ${name}: pg must be an optional peer dependency`)
  // The main entry serves; the PostgreSQL store without pg, and the CLI asked for PostgreSQL, say how to add it.
  const run = (code) => sh(process.execPath, ['--input-type=module', '-e', code], { cwd: app, timeout: 30_000 })
  const main = run(`import { createFileStore, createHandler } from '@tapedeck/server'
    const response = await createHandler({ store: createFileStore({ dir: './data' }), log: false })(new Request('http://localhost/healthz'))
    console.log(response.status)`)
  if (main.output.trim() !== '200') problems.push(`the main entry did not answer /healthz with 200:\n${main.output}`)
  const store = run(`import { createPostgresStore } from '@tapedeck/server/postgres'
    await createPostgresStore({ connectionString: 'postgres://127.0.0.1:9/none' }).listSessions({ limit: 1 }).catch((error) => console.log(error.message))`)
  if (!store.output.includes('npm install pg')) problems.push(`createPostgresStore without pg did not say how to install it:\n${store.output}`)
  const cli = sh(process.execPath, [join(app, 'node_modules', '@tapedeck', 'server', 'dist', 'cli.js'), '--database-url', 'postgres://127.0.0.1:9/none', '--port', '0'], { cwd: app, timeout: 30_000 })
  if (cli.status !== 1 || !cli.output.includes('npm install pg')) problems.push(`the CLI with --database-url and no pg did not stop saying how to install it (exit ${cli.status}):\n${cli.output}`)
  report('@tapedeck/server', 'install', problems.length === 0, problems.join('\n'))
  return names.length
}

// 6. The verdict.
let failed = 0
const usedKnown = new Set()
for (const result of results) {
  if (result.ok) continue
  const known = KNOWN_FAILURES.find((entry) => entry.package === result.package && entry.check === result.check && entry.match.test(result.output))
  if (known) {
    usedKnown.add(known)
    console.log(`known   ${result.package} ${result.check}: ${known.reason}`)
    continue
  }
  failed++
  console.log(`FAILED  ${result.package} ${result.check}\n  ${result.output.split('\n').join('\n  ')}`)
}
for (const entry of KNOWN_FAILURES) {
  if (usedKnown.has(entry)) continue
  failed++
  console.log(`FIXED?  ${entry.package} ${entry.check} no longer fails as listed (${entry.reason}): remove it from KNOWN_FAILURES in scripts/checkPackages.mjs`)
}
for (const { manifest, files, size } of packed) console.log(`packed  ${manifest.name}: ${files.length} files, ${(size / 1024).toFixed(1)} KiB`)
if (installed !== undefined) console.log(`install @tapedeck/server on the file store: ${installed} packages in node_modules, none of pg's`)
const checks = results.length
console.log(`packages: ${checks - failed - usedKnown.size} checks passed, ${usedKnown.size} known failures, ${failed} failed`)
if (failed === 0) rmSync(WORK, { recursive: true, force: true })
else console.log(`(tarballs and consumers kept in ${WORK})`)
process.exit(failed === 0 ? 0 : 1)
