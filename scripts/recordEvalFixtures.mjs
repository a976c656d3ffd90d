#!/usr/bin/env node
// Records the evaluation tests' three recordings with the real recorder: the playground (its Vite
// dev server, with the mock LLM inside) in Chromium, a question typed into its chat, the answer
// streamed by the mock LLM through the page's instrumented fetch, the session stopped and
// exported from IndexedDB as the recorder exports it. Writes packages/player/test/recordings/:
//   eval/s_good.jsonl            every check passes
//   eval/s_slow.jsonl            every call waits 1.2 s for its headers (agent support@2): too slow
//   eval/s_wrong_tool.jsonl      the model calls cancelOrder instead of lookupOrder
//   replay/s_conversation.jsonl  three turns (a greeting, two orders): what replaySession re-runs
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
  { dir: 'eval', sessionId: 's_good', agent: 'support@1', scenarios: [], turns: [QUESTION], calls: 2, tools: 'lookupOrder' },
  { dir: 'eval', sessionId: 's_slow', agent: 'support@2', scenarios: ['headers=1200'], turns: [QUESTION], calls: 2, tools: 'lookupOrder' },
  { dir: 'eval', sessionId: 's_wrong_tool', agent: 'support@1', scenarios: ['tool=cancelOrder', ''], turns: [QUESTION], calls: 2, tools: 'cancelOrder' },
  { dir: 'replay', sessionId: 's_conversation', agent: 'support@1', scenarios: [], turns: ['Hello there', QUESTION, 'And order B2001?'], calls: 5, tools: 'lookupOrder,lookupOrder' },
]

/** What each recording must show before it is written. */
function verify(run, events) {
  const completed = events.filter((e) => e.type === 'provider.call.completed').map((e) => e.data)
  const tools = events.filter((e) => e.type === 'tool.call.started').map((e) => e.data.name)
  const problems = []
  if (completed.length !== run.calls) problems.push(`${completed.length} calls, not ${run.calls}`)
  if (events.at(-1)?.type !== 'session.ended') problems.push('the session did not end')
  if (run.sessionId === 's_good' && completed.some((c) => c.latencyMs >= BUDGET_MS)) problems.push(`a call took ${Math.max(...completed.map((c) => c.latencyMs))} ms (budget ${BUDGET_MS})`)
  if (run.sessionId === 's_slow' && completed.some((c) => c.latencyMs < BUDGET_MS)) problems.push('a call was within the budget')
  if (tools.join() !== run.tools) problems.push(`tools called: ${tools.join() || 'none'}`)
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
    for (const [i, turn] of run.turns.entries()) {
      await page.getByRole('textbox', { name: 'Message' }).fill(turn)
      await page.getByRole('button', { name: 'Send', exact: true }).click()
      // The answer is in and the chat takes the next message.
      await page.waitForFunction((n) => document.querySelectorAll('li.message.assistant:not([data-pending="true"])').length === n, i + 1, { timeout: 30_000 })
    }
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
    const file = new URL(`${run.dir}/${run.sessionId}.jsonl`, OUT)
    mkdirSync(new URL('.', file), { recursive: true })
    writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`)
    const latencies = events.filter((e) => e.type === 'provider.call.completed').map((e) => Math.round(e.data.latencyMs))
    console.log(`${run.sessionId}: ${events.length} events, calls ${latencies.join(' / ')} ms`)
  }
} finally {
  await browser.close()
  await vite.close()
}
process.exit(failed ? 1 : 0)
