#!/usr/bin/env node
// Runs the examples as a user would: packs every package, installs the examples in a temporary
// folder from those tarballs (not workspace links), builds the Vite React app with its own
// configuration, starts the Express example (which mounts @tapedeck/server and serves both browser
// examples), and runs the Playwright smoke tests (examples/tests) in Chromium against it.
// The Next.js app-router example (examples/next-app) is installed, built (`next build`, Next's
// defaults) and started (`next start`, with the repository's mock LLM behind its AI SDK route) only
// in CI (CI=true, as .ci/run sets) or with --next: installing and building Next takes about
// 4 minutes on a busy 2-core machine, too long for every `npm test` here.
// Usage: node examples/run.mjs [--next] (after `npm run build`). Run by `npm test`.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { join } from 'node:path'

const ROOT = new URL('..', import.meta.url).pathname
const WORK = join(tmpdir(), `tapedeck-examples-${process.pid}`)
const started = performance.now()
const NEXT = process.argv.includes('--next') || ['true', '1'].includes(process.env.CI ?? '')
if (NEXT) process.env.NEXT_TELEMETRY_DISABLED = '1'
const say = (what) => console.log(`[examples ${((performance.now() - started) / 1000).toFixed(0)} s] ${what}`)

function sh(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed:\n${result.stdout}${result.stderr}`)
  return result.stdout
}

rmSync(WORK, { recursive: true, force: true })
mkdirSync(join(WORK, 'tarballs'), { recursive: true })
const tarballs = {}
for (const dir of readdirSync(join(ROOT, 'packages'))) {
  const { name } = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8'))
  const file = sh('npm', ['pack', '--silent', '--pack-destination', join(WORK, 'tarballs')], join(ROOT, 'packages', dir)).trim().split('\n').pop()
  tarballs[name] = `file:${join(WORK, 'tarballs', file)}`
}
say('packed')

// Every Tapedeck package comes from its tarball, the example's own and those they depend on.
const NODE_APPS = ['vite-react', 'express-server', ...(NEXT ? ['next-app'] : [])]
for (const example of ['script-tag', ...NODE_APPS]) {
  cpSync(join(ROOT, 'examples', example), join(WORK, example), { recursive: true, filter: (path) => !/node_modules|dist|\.next|\.tapedeck-data/.test(path) })
}
for (const example of NODE_APPS) {
  const path = join(WORK, example, 'package.json')
  const manifest = JSON.parse(readFileSync(path, 'utf8'))
  for (const name of Object.keys(manifest.dependencies)) if (tarballs[name]) manifest.dependencies[name] = tarballs[name]
  manifest.overrides = tarballs
  writeFileSync(path, JSON.stringify(manifest, null, 2))
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], join(WORK, example))
}
say('installed from the tarballs')
sh('npm', ['run', 'build', '--silent'], join(WORK, 'vite-react'))
say('built the Vite React app')
if (NEXT) {
  sh(process.execPath, [join(WORK, 'next-app', 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], join(WORK, 'next-app'))
  say('built the Next.js app')
}

/** Starts a child process and resolves with the URL it prints once it listens. */
function start(name, args, cwd, env, pattern = /listening on (http:\/\/\S+)/) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000)
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = pattern.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}):\n${output}`)))
  })
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

const children = []
let status = 1
try {
  const url = await start('the Express example', ['server.mjs'], join(WORK, 'express-server'), {
    PORT: '0', TAPEDECK_DATA: join(WORK, 'data'), SCRIPT_TAG_DIR: join(WORK, 'script-tag'), REACT_DIST: join(WORK, 'vite-react', 'dist'),
  })
  say(`Express example at ${url}`)
  let nextUrl
  if (NEXT) {
    const mock = await start('the mock LLM', ['--import', 'tsx', '--input-type=module', '-e',
      "const { startMockLlm } = await import('./e2e/support/mockLlm.ts'); const mock = await startMockLlm({ port: 0 }); console.log('listening on ' + mock.url)"], ROOT, {})
    const port = await freePort()
    nextUrl = await start('the Next.js example', [join(WORK, 'next-app', 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'], join(WORK, 'next-app'),
      { OPENAI_BASE_URL: `${mock}/v1`, TAPEDECK_DATA: join(WORK, 'next-data'), NEXT_TELEMETRY_DISABLED: '1' }, /Local:\s+(http:\/\/\S+)/)
    say(`Next.js example at ${nextUrl}`)
  }
  const playwright = join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js')
  status = spawnSync(process.execPath, [playwright, 'test', '-c', join(ROOT, 'examples', 'playwright.config.ts')], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, EXAMPLES_URL: url, ...(nextUrl && { NEXT_URL: nextUrl }) },
  }).status ?? 1
} finally {
  for (const child of children) child.kill('SIGTERM')
}
say(status === 0 ? 'passed' : 'FAILED')
if (status === 0) rmSync(WORK, { recursive: true, force: true })
else console.log(`(kept in ${WORK})`)
process.exit(status)
