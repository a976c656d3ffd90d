#!/usr/bin/env node
// `npm test`: builds the packages, then runs every test — unit and in-browser (Vitest),
// end to end (Playwright) — in a real Chromium, and closes with one summary line.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, existsSync } from 'node:fs'
import { HOW_TO_GET_CHROMIUM, findChromium } from './chromium.mjs'

const chromium = findChromium()
if (!chromium) {
  console.error(HOW_TO_GET_CHROMIUM)
  process.exit(1)
}
console.log(`Chromium: ${chromium}`)
mkdirSync('reports', { recursive: true })

function run(command, env = {}) {
  console.log(`\n$ ${command}`)
  return spawnSync(command, { stdio: 'inherit', shell: true, env: { ...process.env, CHROMIUM_PATH: chromium, ...env } }).status ?? 1
}

/** DATABASE_URL and TAPEDECK_PG_DIR of a PostgreSQL started for this run, or {} when it cannot start. */
function startPostgres() {
  const started = spawnSync('bash', ['scripts/postgres.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  const env = Object.fromEntries([...(started.stdout ?? '').matchAll(/^export (\w+)='([^']*)'$/gm)].map(([, name, value]) => [name, value]))
  if (started.status !== 0 || !env.DATABASE_URL) {
    console.warn('No PostgreSQL for this run (scripts/postgres.sh failed): its store suites are skipped.')
    return {}
  }
  return env
}

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined
}

if (run('npm run build --silent') !== 0) {
  console.error('The build failed: no test was run.')
  process.exit(1)
}
// Types are the API (and the tests' own types): a type error fails the run before any test.
if (run('npm run typecheck --silent') !== 0) {
  console.error('The typecheck failed: no test was run.')
  process.exit(1)
}
// The import graph: no cycles, and the layers of CONTRIBUTING.md (util/ and events/ below storage/, …).
if (run('node scripts/checkImports.mjs') !== 0) {
  console.error('The import check failed: no test was run.')
  process.exit(1)
}
// What npm would publish: the tarballs' contents, publint, attw, and consumers typechecked
// against them under every moduleResolution (no `any` slips through).
if (run('node scripts/checkPackages.mjs') !== 0) {
  console.error('The packaging check failed: no test was run.')
  process.exit(1)
}
// The PostgreSQL store's contract and hostile-input suites run against a throwaway database
// when none is given and the PostgreSQL binaries are installed (scripts/postgres.sh).
const postgres = process.env.DATABASE_URL ? {} : startPostgres()
const vitest = run('npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json', postgres)
if (postgres.TAPEDECK_PG_DIR) spawnSync('bash', ['scripts/postgres.sh', 'stop'], { stdio: 'inherit', env: { ...process.env, ...postgres } })
const playwright = run('npx playwright test --reporter=list,json', { PLAYWRIGHT_JSON_OUTPUT_NAME: 'reports/e2e.json' })
const bench = run('node bench/run.mjs --quick') // every benchmark figure still measured: one test
// The examples, installed from the packed tarballs, in Chromium: one test per example app.
const examples = run('node examples/run.mjs')

const unit = readJson('reports/vitest.json')
const e2e = readJson('reports/e2e.json')
const passed = (unit?.numPassedTests ?? 0) + (e2e?.stats?.expected ?? 0) + (e2e?.stats?.flaky ?? 0) + (bench === 0 ? 1 : 0) + (examples === 0 ? 1 : 0)
const failed = (unit?.numFailedTests ?? 0) + (e2e?.stats?.unexpected ?? 0) + (bench === 0 ? 0 : 1) + (examples === 0 ? 0 : 1)
const skipped = (unit?.numPendingTests ?? 0) + (unit?.numTodoTests ?? 0) + (e2e?.stats?.skipped ?? 0)
// CI shows only the end of the output: name what failed there.
for (const file of unit?.testResults ?? []) {
  for (const test of file.assertionResults ?? []) {
    if (test.status === 'failed') console.log(`FAILED (vitest) ${file.name.replace(process.cwd() + '/', '')} › ${test.fullName}\n  ${(test.failureMessages ?? []).join('\n').split('\n').slice(0, 6).join('\n  ')}`)
  }
}
const failedSpecs = (suite) => [
  ...(suite.specs ?? []).filter((spec) => !spec.ok).map((spec) => `${spec.file}:${spec.line} › ${spec.title}`),
  ...(suite.suites ?? []).flatMap(failedSpecs),
]
for (const spec of (e2e?.suites ?? []).flatMap(failedSpecs)) console.log(`FAILED (e2e) ${spec}`)
const ok = vitest === 0 && playwright === 0 && bench === 0 && examples === 0 && failed === 0 && passed > 0
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(ok ? 0 : 1)
