#!/usr/bin/env node
// The reference server under a hostile ingest key (issue 13, point 2): four maximal batches at
// once, while /healthz is polled. Each scenario runs in a fresh server process (file store in a
// temp folder, or PostgreSQL with --postgres and DATABASE_URL) on 127.0.0.1; peak RSS is the
// process's VmHWM (Linux /proc), so nothing is missed between samples.
//
//   npm run build --silent && node bench/serverHostile.mjs [--postgres] [--only=1,3]
//
// Bars: peak RSS ≤ 256 MB and every /healthz ≤ 200 ms while four maximal batches are ingested.
// Bounded: four scenarios, four batches each, each scenario at most 180 s.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { gzipSync } from 'node:zlib'

const RSS_BAR_MB = 256
const HEALTH_BAR_MS = 200
const SCENARIO_LIMIT_MS = 180_000
const postgres = process.argv.includes('--postgres')
if (postgres && !process.env.DATABASE_URL) {
  console.error('--postgres needs DATABASE_URL (eval "$(bash scripts/postgres.sh)")')
  process.exit(2)
}
const serverEntry = new URL('../packages/server/dist/index.js', import.meta.url).href
const postgresEntry = new URL('../packages/server/dist/postgres.js', import.meta.url).href

/** Child process: the CLI's setup (serve + store), printing its URL. */
const CHILD = `
const { createHandler, createFileStore, serve } = await import(${JSON.stringify(serverEntry)})
const { createPostgresStore } = await import(${JSON.stringify(postgresEntry)})
const store = process.env.BENCH_PG ? createPostgresStore({ connectionString: process.env.DATABASE_URL }) : createFileStore({ dir: process.env.BENCH_DIR })
const server = await serve({ handler: createHandler({ store, log: false }), port: 0 })
if (process.env.BENCH_PG) await store.listSessions({ limit: 1 })
// Its own event loop's delay, which CPU taken by other processes on a shared machine inflates less than a poll from outside.
const { monitorEventLoopDelay } = await import('node:perf_hooks')
const delay = monitorEventLoopDelay({ resolution: 10 })
delay.enable()
const { createInterface } = await import('node:readline')
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'reset') delay.reset()
  if (line === 'report') console.log('BENCH_REPORT ' + JSON.stringify({ maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 }))
})
console.log('BENCH_URL ' + server.url)
process.on('SIGTERM', async () => { await server.close(); await store.close(); process.exit(0) })
`

function tinyLines(sessionId, count, step = 1) {
  const parts = []
  for (let i = 0; i < count; i++) parts.push(`{"sessionId":"${sessionId}","seq":${i * step},"type":"x"}\n`)
  return parts.join('')
}

function bigLines(sessionId, count, bytes) {
  const parts = []
  for (let i = 0; i < count; i++) {
    const head = `{"sessionId":"${sessionId}","seq":${i},"type":"x","data":{"text":"`
    parts.push(`${head}${'abcdefghij'.repeat(Math.floor((bytes - head.length - 4) / 10))}"}}\n`)
  }
  return parts.join('')
}

/** Each scenario: four batches of one shape, to four sessions. */
const SCENARIOS = [
  { name: '4 × 100,000 tiny events (the cap)', make: (id) => ({ text: tinyLines(id, 100_000), seq: '0-99999' }) },
  { name: '4 × 49 events of 1 MiB', make: (id) => ({ text: bigLines(id, 49, 1024 * 1024 - 100), seq: '0-48' }) },
  { name: "4 × 1,000,000 tiny events (issue 13's batch)", make: (id) => ({ text: tinyLines(id, 1_000_000), seq: '0-999999' }) },
  { name: '4 × 100,000 tiny events, every other seq', make: (id) => ({ text: tinyLines(id, 100_000, 2), seq: '0-199998' }) },
]

function vmHwmMb(pid) {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) / 1024 : Number.NaN
}

async function startChild(dir) {
  // BENCH_NODE_ARGS, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' or '--trace-gc', to look inside.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', CHILD], {
    env: { ...process.env, BENCH_DIR: dir, ...(postgres && { BENCH_PG: '1' }) },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  // The child's other output (--trace-gc) goes to stderr, prefixed.
  const waiting = new Map()
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [word, ...rest] = line.split(' ')
    if (waiting.has(word)) {
      waiting.get(word)(rest.join(' '))
      waiting.delete(word)
    } else process.stderr.write(`server: ${line}\n`)
  })
  const next = (word) => new Promise((resolve) => waiting.set(word, resolve))
  const url = await Promise.race([next('BENCH_URL'), new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`server exited ${code}`))))])
  const ask = async (command) => {
    const answer = next('BENCH_REPORT')
    child.stdin.write(`${command}\n`)
    return JSON.parse(await answer)
  }
  return { child, url, ask }
}

async function runScenario(scenario, index) {
  const dir = await mkdtemp(join(tmpdir(), 'tapedeck-hostile-'))
  const { child, url, ask } = await startChild(dir)
  try {
    const bodies = [0, 1, 2, 3].map((n) => {
      const id = `s_bench_${index}_${n}_${Date.now()}`
      const { text, seq } = scenario.make(id)
      return { id, seq, inflated: Buffer.byteLength(text), body: gzipSync(text, { level: 6 }) }
    })
    // Warm up: the first request loads Node's fetch classes and web streams (~0.5 s of blocking
    // here, once per process); the figures are for a server that has answered before.
    const warm = `s_warm_${index}`
    await fetch(`${url}/v1/batches`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Idempotency-Key': 'warm', 'Tapedeck-Session': warm, 'Tapedeck-Seq': '0-1999' },
      body: gzipSync(tinyLines(warm, 2000)),
    }).then((response) => response.arrayBuffer())
    await fetch(`${url}/healthz`).then((response) => response.arrayBuffer())
    const idleHwm = vmHwmMb(child.pid)
    child.stdin.write('reset\n')
    let polling = true
    const health = []
    const poller = (async () => {
      while (polling) {
        const started = performance.now()
        const response = await fetch(`${url}/healthz`)
        await response.arrayBuffer()
        health.push(performance.now() - started)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    })()
    const started = performance.now()
    const deadline = AbortSignal.timeout(SCENARIO_LIMIT_MS)
    const statuses = await Promise.all(
      bodies.map(async ({ id, seq, body }) => {
        const response = await fetch(`${url}/v1/batches`, {
          method: 'POST',
          signal: deadline,
          headers: { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Idempotency-Key': `k_${id}`, 'Tapedeck-Session': id, 'Tapedeck-Seq': seq },
          body,
        })
        const answer = await response.json()
        return response.ok ? String(response.status) : `${response.status} ${answer.error?.code}`
      }),
    )
    const wallMs = performance.now() - started
    polling = false
    await poller
    const loop = await ask('report')
    const sorted = [...health].sort((a, b) => a - b)
    return {
      scenario: scenario.name,
      gzipMB: (bodies[0].body.length / 1e6).toFixed(2),
      inflatedMB: (bodies[0].inflated / 1e6).toFixed(1),
      statuses: [...new Set(statuses)].join(', '),
      wallS: (wallMs / 1000).toFixed(1),
      idleRssMB: Math.round(idleHwm),
      peakRssMB: Math.round(vmHwmMb(child.pid)),
      healthMaxMs: Math.round(sorted.at(-1) ?? Number.NaN),
      healthP50Ms: Math.round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN),
      healthPolls: sorted.length,
      loopMaxMs: Math.round(loop.maxMs),
      loopP99Ms: Math.round(loop.p99Ms),
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    await rm(dir, { recursive: true, force: true })
  }
}

const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const rows = []
for (const [index, scenario] of SCENARIOS.entries()) {
  if (only !== undefined && !only.split(',').includes(String(index + 1))) continue
  const row = await runScenario(scenario, index)
  rows.push(row)
  console.log(JSON.stringify(row))
}
console.log(`\nstore: ${postgres ? 'PostgreSQL' : 'files'}; node ${process.version}; bars: peak RSS ≤ ${RSS_BAR_MB} MB, /healthz ≤ ${HEALTH_BAR_MS} ms\n`)
console.log('| scenario | gzip MB | inflated MB | answers | wall s | peak RSS MB | /healthz max ms (p50, polls) | event-loop delay max ms (p99) | bars |')
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
let missed = 0
for (const row of rows) {
  const ok = row.peakRssMB <= RSS_BAR_MB && row.healthMaxMs <= HEALTH_BAR_MS
  if (!ok) missed += 1
  console.log(`| ${row.scenario} | ${row.gzipMB} | ${row.inflatedMB} | ${row.statuses} | ${row.wallS} | ${row.peakRssMB} (idle ${row.idleRssMB}) | ${row.healthMaxMs} (${row.healthP50Ms}, ${row.healthPolls}) | ${row.loopMaxMs} (${row.loopP99Ms}) | ${ok ? 'held' : '**MISS**'} |`)
}
process.exit(missed ? 1 : 0)
