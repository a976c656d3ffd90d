#!/usr/bin/env node
// Runs the examples as a user would: packs every package, installs the examples in a temporary
// folder from those tarballs (not workspace links), builds the Vite React app with its own
// configuration, starts the Express example (which mounts @tapedeck/server and serves both browser
// examples), and runs the Playwright smoke tests (examples/tests) in Chromium against it.
// Usage: node examples/run.mjs (after `npm run build`). Run by `npm test`.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = new URL('..', import.meta.url).pathname
const WORK = join(tmpdir(), `tapedeck-examples-${process.pid}`)
const started = performance.now()
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
for (const example of ['vite-react', 'script-tag', 'express-server']) {
  cpSync(join(ROOT, 'examples', example), join(WORK, example), { recursive: true, filter: (path) => !/node_modules|dist|\.tapedeck-data/.test(path) })
}
for (const example of ['vite-react', 'express-server']) {
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

const server = spawn(process.execPath, ['server.mjs'], {
  cwd: join(WORK, 'express-server'),
  env: { ...process.env, PORT: '0', TAPEDECK_DATA: join(WORK, 'data'), SCRIPT_TAG_DIR: join(WORK, 'script-tag'), REACT_DIST: join(WORK, 'vite-react', 'dist') },
  stdio: ['ignore', 'pipe', 'inherit'],
})
let status = 1
try {
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the Express example did not start within 30 s')), 30_000)
    let output = ''
    server.stdout.on('data', (chunk) => {
      output += chunk
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    server.on('exit', (code) => reject(new Error(`the Express example exited (${code})`)))
  })
  say(`Express example at ${url}`)
  const playwright = join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js')
  status = spawnSync(process.execPath, [playwright, 'test', '-c', join(ROOT, 'examples', 'playwright.config.ts')], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, EXAMPLES_URL: url },
  }).status ?? 1
} finally {
  server.kill('SIGTERM')
}
say(status === 0 ? 'passed' : 'FAILED')
if (status === 0) rmSync(WORK, { recursive: true, force: true })
else console.log(`(kept in ${WORK})`)
process.exit(status)
