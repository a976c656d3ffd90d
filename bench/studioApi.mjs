// The Studio read API on PostgreSQL at scale: seeds sessions through bulkLoadPostgres (the rows
// ingest writes), then times GET /v1/sessions (two filters and a sort), q= search and
// GET /v1/stats over 30 days by model through the real handler on 127.0.0.1, then the Studio's
// Overview and a 10,000-event replay in Chromium over the same store (--no-pages leaves them
// out), and prints EXPLAIN (ANALYZE, BUFFERS) of the SQL those requests ran.
//
//   eval "$(bash scripts/postgres.sh)"
//   flock /tmp/tapedeck-bench.lock node bench/studioApi.mjs                # 100,000 sessions x 20 events
//   node bench/studioApi.mjs --sessions=2000 --runs=10                     # a quick look
//   node bench/studioApi.mjs --reuse                                       # keep the seeded schema between runs
//   node bench/studioApi.mjs --seed-only --reuse && flock … --reuse        # seed outside the lock (not timed)
//   node -e "import('./bench/lib/servers.mjs').then((m) => m.loadTapedeckServer(process.cwd() + '/node_modules/.before'))"
//   flock … node bench/studioApi.mjs --reuse --server=node_modules/.before --studio=node_modules/.before-studio
//                                                                          # the code before a change (server and Studio built at that commit)
//
// Writes bench/results/studioApi.json (or studioApi-quick.tmp when --sessions is below 100,000).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import pg from 'pg'
import { loadTapedeckServer } from './lib/servers.mjs'
import { DAY, FEATURES, longSession, makeSession, MODELS, NOW, pick, TAGS, VOCABULARY } from './lib/studioSessions.mjs'

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']))
const SESSIONS = Number(args.sessions ?? 100_000)
const RUNS = Number(args.runs ?? 40)
const PAGE_RUNS = Number(args['page-runs'] ?? 10)
const CHUNK = 500
const BARS = { list: 150, search: 300, stats: 500, overviewStats: null }
const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) {
  console.error('studioApi bench: set DATABASE_URL (eval "$(bash scripts/postgres.sh)")')
  process.exit(1)
}
const schema = `tapedeck_bench2_${SESSIONS}`

// ---- run -----------------------------------------------------------------------------------
const admin = new pg.Client({ connectionString: databaseUrl })
await admin.connect()
const pool = new pg.Pool({ connectionString: databaseUrl, options: `-c search_path=${schema}`, max: 10 })
// Inside the repository, so the build's imports (pg, fflate) resolve from its node_modules.
const outDir = await mkdtemp(fileURLToPath(new URL('../node_modules/.tapedeck-studio-bench-', import.meta.url)))
// --server=<dir>: a server built earlier (bench/lib/servers.mjs's loadTapedeckServer, e.g. from an
// older commit), to time the code before a change on the same database.
const server = args.server
  ? { ...(await import(pathToFileURL(join(args.server, 'index.js')).href)), ...(await import(pathToFileURL(join(args.server, 'postgres.js')).href)) }
  : await loadTapedeckServer(outDir)

const existing = await admin.query('select 1 from information_schema.schemata where schema_name = $1', [schema])
let seeded = false
if (args.reuse && existing.rowCount) {
  // The seeded sessions (s_…), not the long one the page figures add (s_bench_long_10k).
  const { rows } = await pool.query("select count(*)::int as n from tapedeck_sessions where session_id not like 's_bench%'")
  seeded = rows[0].n === SESSIONS
}
let seedMs = null
if (!seeded) {
  await admin.query(`drop schema if exists ${schema} cascade`)
  await admin.query(`create schema ${schema}`)
  const started = performance.now()
  for (let from = 0; from < SESSIONS; from += CHUNK) {
    const chunk = Array.from({ length: Math.min(CHUNK, SESSIONS - from) }, (_, i) => makeSession(from + i))
    await server.bulkLoadPostgres(pool, chunk, NOW)
    if ((from / CHUNK) % 20 === 0) console.log(`seeded ${from + chunk.length} sessions (${((performance.now() - started) / 1000).toFixed(0)} s)`)
  }
  await pool.query('vacuum analyze')
  seedMs = performance.now() - started
  console.log(`seeded ${SESSIONS} sessions x 20 events in ${(seedMs / 1000).toFixed(0)} s`)
}

if (args['seed-only']) {
  // Seeding is not measured: it can run outside the bench lock, the timed part with --reuse inside it.
  await pool.end()
  await admin.end()
  await rm(outDir, { recursive: true, force: true })
  process.exit(0)
}

// Every SQL statement the store runs, so EXPLAIN shows the very queries that were timed.
const statements = []
let recording = false
const query = pool.query.bind(pool)
pool.query = (text, values) => {
  if (typeof text === 'string' && recording) statements.push({ text, values })
  return query(text, values)
}
// Statistics run each statement on a client of its own (in a transaction with more work_mem).
const connect = pool.connect.bind(pool)
pool.connect = async (callback) => {
  // pool.query connects with a callback: leave that path as it is.
  if (callback) return connect(callback)
  const client = await connect()
  // Pooled clients come back later to pool.query too (with a callback): pass every argument on, wrap once.
  if (!client.captured) {
    const clientQuery = client.query.bind(client)
    client.query = (text, ...rest) => {
      if (typeof text === 'string' && recording && /^\s*(select|with)\b/i.test(text)) statements.push({ text, values: rest[0], workMem: true })
      return clientQuery(text, ...rest)
    }
    client.captured = true
  }
  return client
}

const store = server.createPostgresStore({ pool })
// The store's first use creates or upgrades its tables: on a database seeded by an earlier version
// that runs the one-time backfills (docs/server.md, "Upgrading"). Timed apart, then the statistics
// the planner needs are refreshed (autovacuum would do it later on a live database).
const migrateStarted = performance.now()
await store.getSession('s_bench_probe')
const migrateMs = performance.now() - migrateStarted
if (migrateMs > 5000) {
  console.log(`migrated in ${(migrateMs / 1000).toFixed(1)} s`)
  await pool.query('vacuum analyze')
}
const handler = server.createHandler({ store, readKeys: ['read-bench'], log: false, now: () => NOW })
const running = await server.serve({ handler, port: 0 })
const get = async (path) => {
  const started = performance.now()
  const response = await fetch(`${running.url}${path}`, { headers: { Authorization: 'Bearer read-bench' } })
  const body = await response.json()
  const ms = performance.now() - started
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`)
  return { ms, body }
}

// Words by how many sessions hold them: common, middling and rare in this vocabulary.
const SEARCHES = [VOCABULARY[40], VOCABULARY[400], VOCABULARY[3000], `${VOCABULARY[5]} ${VOCABULARY[700]}`]
const LISTS = FEATURES.flatMap((feature) => [
  `feature=${feature}&tag=${pick(TAGS)}&sort=costUsd&order=desc`,
  `feature=${feature}&model=${encodeURIComponent(pick(MODELS))}&sort=durationMs&order=asc`,
  `feature=${feature}&hasErrors=true&sort=startedAt`,
])
const FIGURES = {
  list: (i) => `/v1/sessions?${LISTS[i % LISTS.length]}&limit=50`,
  search: (i) => `/v1/sessions?q=${encodeURIComponent(SEARCHES[i % SEARCHES.length])}&limit=50`,
  stats: () => `/v1/stats?from=${NOW - 30 * DAY}&to=${NOW}&groupBy=model`,
  // What the Overview asks for its four groupings: one request (a server before Round 5, --server=: four at once).
  overviewStats: () => {
    const range = `from=${NOW - 30 * DAY}&to=${NOW}`
    return args.server ? OVERVIEW_GROUPINGS.map((groupBy) => `/v1/stats?${range}&groupBy=${groupBy}`) : `/v1/stats?${range}&groupBy=${OVERVIEW_GROUPINGS.join(',')}`
  },
}
const OVERVIEW_GROUPINGS = ['day', 'model', 'userId', 'feature']
/** A figure's request, or its requests at once: the time until every answer is in. */
const timed = async (paths) => {
  if (!Array.isArray(paths)) return get(paths)
  const started = performance.now()
  const answers = await Promise.all(paths.map(get))
  return { ms: performance.now() - started, body: answers[0].body }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
/**
 * Anchors, timed between the figure's runs so they share the machine's state: GET /healthz (the
 * HTTP round trip and the handler, no store) and one fixed statement (an index-only count of the
 * last 30 days' sessions: PostgreSQL's own pace). The figures are absolute bars; the anchors say
 * how busy the machine was.
 */
const ANCHORS = {
  healthz: async () => {
    const started = performance.now()
    await (await fetch(`${running.url}/healthz`)).text()
    return performance.now() - started
  },
  sql: async () => {
    const started = performance.now()
    await query('select count(*) from tapedeck_sessions where sort_at >= $1', [NOW - 30 * DAY])
    return performance.now() - started
  },
}
const summary = (times) => {
  times.sort((a, b) => a - b)
  return { p50: +percentile(times, 0.5).toFixed(1), p95: +percentile(times, 0.95).toFixed(1), max: +times.at(-1).toFixed(1) }
}
const results = {}
for (const [name, path] of Object.entries(FIGURES)) {
  for (let i = 0; i < 3; i++) await timed(path(i)) // warm-up, dropped
  const times = []
  const anchors = { healthz: [], sql: [] }
  let sample
  for (let i = 0; i < RUNS; i++) {
    const { ms, body } = await timed(path(i))
    times.push(ms)
    sample ??= body
    for (const [anchor, time] of Object.entries(ANCHORS)) anchors[anchor].push(await time())
  }
  const figure = summary(times)
  results[name] = {
    ...figure,
    bar: BARS[name],
    met: BARS[name] === null ? null : figure.p95 <= BARS[name],
    runs: RUNS,
    example: path(0),
    total: sample.total,
    groups: sample.groups?.length,
    anchors: { healthz: summary(anchors.healthz), sql: summary(anchors.sql) },
  }
  const a = results[name].anchors
  console.log(
    `${name.padEnd(7)} p50 ${figure.p50} ms  p95 ${figure.p95} ms  (${BARS[name] === null ? 'no bar' : `bar ${BARS[name]} ms: ${results[name].met ? 'met' : 'MISS'}`})  ` +
      `anchors p50/p95: healthz ${a.healthz.p50}/${a.healthz.p95} ms, sql ${a.sql.p50}/${a.sql.p95} ms  ${path(0)}`,
  )
}
for (const word of SEARCHES) {
  const { body } = await get(`/v1/sessions?q=${encodeURIComponent(word)}&limit=1`)
  console.log(`q=${word}: ${body.total} sessions`)
}

// ---- the Studio's pages over the same store, in a real Chromium ---------------------------------
// The Overview (30 days of sessions, its four statistics requests and charts) and the replay of a
// 10,000-event session, each from its navigation's start to its performance mark. Each has an
// anchor, timed in alternation with it in the same browser: the same page with nothing to show
// (the Overview of 30 days without sessions; the replay of a 20-event session), so the ratio says
// what the data costs and the anchor how busy the machine was.
const pages = args['no-pages'] ? null : await timePages()

async function timePages() {
  const { build } = await import('vite')
  const { chromium } = await import('@playwright/test')
  const { CHROMIUM_ARGS, findChromium } = await import('../scripts/chromium.mjs')
  // --studio=<dir>: a Studio built earlier (the code before a change), else built from the sources now.
  const studioDir = args.studio ?? join(outDir, 'studio')
  if (!args.studio) await build({ configFile: fileURLToPath(new URL('../packages/studio/vite.config.ts', import.meta.url)), logLevel: 'warn', build: { outDir: studioDir, sourcemap: false, emptyOutDir: true } })
  const LONG = 's_bench_long_10k'
  if (!(await store.getSession(LONG))) await server.bulkLoadPostgres(pool, [longSession(LONG, 10_000)], NOW)
  const studio = await server.serve({ handler: server.withStudio(handler, { dir: studioDir }), port: 0 })
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS })
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: studio.url })).newPage()
    await page.goto('/')
    await page.getByLabel('Read or review key').fill('read-bench')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('navigation', { name: 'Pages', exact: true }).waitFor()
    /** A new document at `path` (a reload: the key stays in the tab), ms from its start to the mark. */
    const markedAt = async (path, mark, ready) => {
      await page.goto(path)
      await page.reload()
      await page.locator(ready).first().waitFor({ timeout: 60_000 })
      return page.evaluate((name) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN, mark)
    }
    const day = (ms) => new Date(ms).toISOString().slice(0, 10)
    const overview = (from) => `/#/overview?range=custom&from=${day(from)}&to=${day(from + 29 * DAY)}`
    const FIGURES = {
      overview: {
        bar: 1500,
        figure: () => markedAt(overview(NOW - 30 * DAY), 'tapedeck-overview-drawn', '.overview[data-ready="true"]'),
        anchor: () => markedAt(overview(Date.UTC(2020, 0, 1)), 'tapedeck-overview-drawn', '.overview[data-ready="true"]'),
        example: overview(NOW - 30 * DAY),
        anchorIs: 'the Overview of 30 days without sessions',
      },
      replay: {
        bar: 1000,
        figure: () => markedAt(`/#/sessions/${LONG}`, 'tapedeck-replay-ready', '[role="slider"][aria-label="Timeline"]'),
        anchor: () => markedAt('/#/sessions/s_000001', 'tapedeck-replay-ready', '[role="slider"][aria-label="Timeline"]'),
        example: `/#/sessions/${LONG} (10,000 events)`,
        anchorIs: 'the replay of a 20-event session',
      },
      // The replay is interactive at its first 1,000 events (loadRecording's onFirstPage); this is when all 10,000 are in.
      replayComplete: {
        bar: null,
        figure: () => markedAt(`/#/sessions/${LONG}`, 'tapedeck-replay-complete', '.replay[data-complete="true"]'),
        anchor: () => markedAt('/#/sessions/s_000001', 'tapedeck-replay-complete', '.replay[data-complete="true"]'),
        example: `/#/sessions/${LONG} (10,000 events, all loaded)`,
        anchorIs: 'the replay of a 20-event session',
      },
    }
    const out = {}
    for (const [name, f] of Object.entries(FIGURES)) {
      await f.figure() // warm-up: the server's caches and the browser's compiled code
      await f.anchor()
      const times = []
      const anchors = []
      for (let i = 0; i < PAGE_RUNS; i++) {
        times.push(await f.figure())
        anchors.push(await f.anchor())
      }
      const figure = summary(times)
      const anchor = summary(anchors)
      out[name] = { ...figure, bar: f.bar, met: f.bar === null ? null : figure.p95 <= f.bar, runs: PAGE_RUNS, example: f.example, anchor: { is: f.anchorIs, ...anchor }, ratioP50: +(figure.p50 / anchor.p50).toFixed(2) }
      console.log(
        `${name.padEnd(8)} p50 ${figure.p50} ms  p95 ${figure.p95} ms  (${f.bar === null ? 'no bar' : `bar ${f.bar} ms: ${out[name].met ? 'met' : 'MISS'}`})  anchor (${f.anchorIs}) p50/p95 ${anchor.p50}/${anchor.p95} ms, ratio p50 ${out[name].ratioP50}`,
      )
    }
    return out
  } finally {
    await browser.close()
    await studio.close()
  }
}

// EXPLAIN of what one list, one search and one stats request ran.
const explains = {}
for (const [name, path] of Object.entries(FIGURES)) {
  statements.length = 0
  recording = true
  await timed(path(0))
  recording = false
  explains[name] = []
  for (const { text, values, workMem } of statements) {
    if (!/^\s*(select|with)\b/i.test(text)) continue
    const client = await connect()
    try {
      await client.query('begin')
      if (workMem) await client.query("set local work_mem = '64MB'")
      const { rows } = await client.query(`explain (analyze, buffers) ${text}`, values)
      await client.query('rollback')
      explains[name].push({ sql: text.replace(/\s+/g, ' ').trim(), plan: rows.map((row) => row['QUERY PLAN']).join('\n') })
    } finally {
      client.release()
    }
  }
}

const counts = (await query(`select (select count(*) from tapedeck_sessions)::int as sessions, (select count(*) from tapedeck_events)::int as events,
  (select count(*) from tapedeck_calls)::int as calls, (select count(*) from tapedeck_texts)::int as texts`)).rows[0]
const version = (await query('show server_version')).rows[0].server_version
const report = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg(), node: process.version, postgres: version },
  rows: counts,
  seedMs,
  migrateMs: Math.round(migrateMs),
  results,
  pages,
  explains,
}
const file = fileURLToPath(new URL(`results/${SESSIONS >= 100_000 ? 'studioApi.json' : 'studioApi-quick.tmp'}`, import.meta.url))
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
console.log(`rows: ${JSON.stringify(counts)}; wrote ${file}`)

await running.close()
await pool.end()
if (!args.reuse) await admin.query(`drop schema if exists ${schema} cascade`)
await admin.end()
await rm(outDir, { recursive: true, force: true })
process.exit([...Object.values(results), ...Object.values(pages ?? {})].every((r) => r.met !== false) || !args.strict ? 0 : 1)
