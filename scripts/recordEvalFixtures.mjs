#!/usr/bin/env node
// Records the evaluation tests' three recordings with the real recorder: the playground (its Vite
// dev server, with the mock LLM inside) in Chromium, a question typed into its chat, the answer
// streamed by the mock LLM through the page's instrumented fetch, the session stopped and
// exported from IndexedDB as the recorder exports it. Writes packages/player/test/recordings/:
//   s_good.jsonl        every check passes
//   s_slow.jsonl        every call waits 1.2 s for its headers (agent support@2): too slow
//   s_wrong_tool.jsonl  the model calls cancelOrder instead of lookupOrder
// Each run's LLM calls are sent to a mock scenario (`/llm/{segment}/v1/…`) by rewriting the
// page's requests, so the app itself is unchanged. Run: node scripts/recordEvalFixtures.mjs
// (about 20 s). It refuses to write a recording that does not show what it is for (a busy
// machine can make the good run slow: run it again).
import { mkdirSync, writeFileSync } from 'node:fs'
import { chromium } from '@playwright/test'
import { createServer } from 'vite'
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs'

const OUT = new URL('../packages/player/test/recordings/', import.meta.url)
const QUESTION = 'Where is my order A1042?'
/** The latency budget the tests check: the good run's calls must be under it, the slow run's over. */
const BUDGET_MS = 1000

const RUNS = [
  { sessionId: 's_good', agent: 'support@1', scenarios: [] },
  { sessionId: 's_slow', agent: 'support@2', scenarios: ['headers=1200'] },
  { sessionId: 's_wrong_tool', agent: 'support@1', scenarios: ['tool=cancelOrder', ''] },
]

/** What each recording must show before it is written. */
function verify(run, events) {
  const completed = events.filter((e) => e.type === 'provider.call.completed').map((e) => e.data)
  const tools = events.filter((e) => e.type === 'tool.call.started').map((e) => e.data.name)
  const problems = []
  if (completed.length !== 2) problems.push(`${completed.length} calls, not 2`)
  if (events.at(-1)?.type !== 'session.ended') problems.push('the session did not end')
  if (run.sessionId === 's_good' && completed.some((c) => c.latencyMs >= BUDGET_MS)) problems.push(`a call took ${Math.max(...completed.map((c) => c.latencyMs))} ms (budget ${BUDGET_MS})`)
  if (run.sessionId === 's_slow' && completed.some((c) => c.latencyMs < BUDGET_MS)) problems.push('a call was within the budget')
  if (tools.join() !== (run.sessionId === 's_wrong_tool' ? 'cancelOrder' : 'lookupOrder')) problems.push(`tools called: ${tools.join() || 'none'}`)
  return problems
}

const vite = await createServer({
  configFile: 'playground/vite.config.ts',
  server: { port: 0, strictPort: false, watch: null },
  cacheDir: 'node_modules/.vite/playground-fixtures',
  logLevel: 'warn',
})
await vite.listen()
const url = vite.resolvedUrls.local[0]
const executablePath = findChromium()
const browser = await chromium.launch({ headless: true, ...(executablePath && { executablePath }), args: CHROMIUM_ARGS })
let failed = false
try {
  mkdirSync(OUT, { recursive: true })
  for (const run of RUNS) {
    const context = await browser.newContext()
    // The playground keeps its conversation (= session) id here: a fixed one per recording.
    await context.addInitScript((id) => localStorage.setItem('playground.conversation', id), run.sessionId)
    const page = await context.newPage()
    let calls = 0
    await page.route('**/llm/v1/chat/completions', (route) => {
      const scenario = run.scenarios[Math.min(calls++, run.scenarios.length - 1)]
      return route.continue(scenario ? { url: route.request().url().replace('/llm/v1/', `/llm/${scenario}/v1/`) } : {})
    })
    await page.goto(`${url}?agent=${encodeURIComponent(run.agent)}`)
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 60_000 })
    await page.getByRole('textbox', { name: 'Message' }).fill(QUESTION)
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    const reply = page.locator('li.message.assistant').last()
    await reply.locator('p').first().filter({ hasNotText: '…' }).waitFor({ timeout: 30_000 })
    await page.waitForFunction(() => !document.querySelector('li.message.assistant[data-pending="true"]'), null, { timeout: 30_000 })
    const text = await page.evaluate(async (sessionId) => {
      const recorder = window.playground.recorder
      await recorder.flush()
      await recorder.stop('fixture recorded')
      return (await recorder.sessions.export(sessionId)).text()
    }, run.sessionId)
    await context.close()
    const events = text.split('\n').filter(Boolean).map((line) => JSON.parse(line))
    const problems = verify(run, events)
    if (problems.length > 0) {
      console.error(`${run.sessionId}: not written: ${problems.join('; ')}`)
      failed = true
      continue
    }
    writeFileSync(new URL(`${run.sessionId}.jsonl`, OUT), text.endsWith('\n') ? text : `${text}\n`)
    const latencies = events.filter((e) => e.type === 'provider.call.completed').map((e) => Math.round(e.data.latencyMs))
    console.log(`${run.sessionId}: ${events.length} events, calls ${latencies.join(' / ')} ms`)
  }
} finally {
  await browser.close()
  await vite.close()
}
process.exit(failed ? 1 : 0)
