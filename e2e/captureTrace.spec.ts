// `propagate` end to end (docs/capture.md, "Correlation"): a page's requests carry a W3C
// traceparent and its session id to the app's own Node backend (@tapedeck/node, Express, the real
// OpenAI SDK against the mock LLM); the server holds one conversation — the page's session and the
// backend's linked stream — whose LLM calls share the page session's trace id.
import { createHandler, createMemoryStore, serve } from '@tapedeck/server'
import { traceIdOf } from '../packages/core/src/sync/otlp/ids'
import { BASE_URL, expect, test } from './fixtures'
import { startMockLlm, type MockLlm } from './support/mockLlm'
import { startNodeBackend, type NodeBackend } from './support/nodeBackend'

interface WireEvent {
  sessionId: string
  seq: number
  type: string
  data: Record<string, any>
}

let llm: MockLlm
let server: { url: string; close(): Promise<void> }
let backend: NodeBackend
test.beforeEach(async () => {
  llm = await startMockLlm()
  server = await serve({ handler: createHandler({ store: createMemoryStore(), cors: { origins: '*' }, log: false }), port: 0 })
  backend = await startNodeBackend({ endpoint: server.url, llm: llm.url, pageOrigin: BASE_URL })
})
test.afterEach(async () => {
  await backend.close()
  await server.close()
  await llm.close()
})

test('the page’s and the backend’s LLM calls share one trace id, with no header set by the app; the backend’s stream is linked to the page’s session', async ({ profile }) => {
  const page = await profile.open('/capture/trace.html')
  const { sessionId, backendAnswer } = await page.evaluate(
    (conversation) => (window as unknown as { converse(c: object): Promise<{ sessionId: string; backendAnswer: string }> }).converse(conversation),
    { endpoint: server.url, llm: llm.url, backend: backend.url },
  )
  expect(backendAnswer).not.toBe('')
  await backend.tapedeck.flush()

  const read = async (): Promise<WireEvent[]> => {
    const response = await fetch(`${server.url}/v1/sessions/${sessionId}/events?streams=linked`)
    return response.ok ? (await response.text()).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as WireEvent) : []
  }
  await expect.poll(async () => (await read()).some((e) => e.sessionId === sessionId && e.type === 'session.ended'), { timeout: 20_000 }).toBe(true)
  const events = await read()
  const detail = (await (await fetch(`${server.url}/v1/sessions/${sessionId}`)).json()) as { streams: string[] }
  expect(detail.streams).toHaveLength(1)
  const streamId = detail.streams[0]!
  expect(events.find((e) => e.sessionId === streamId && e.seq === 0)).toMatchObject({ type: 'session.started', data: { parent: sessionId, stream: 'server' } })

  const calls = events.filter((e) => e.type === 'provider.call.started')
  expect(calls.map((e) => e.sessionId)).toEqual([sessionId, streamId])
  const trace = traceIdOf(sessionId) // the OTLP export's trace id for the session
  expect(calls.map((e) => e.data.traceId)).toEqual([trace, trace])
  // Each call hangs below the span of the request that carried the trace: a new span per request.
  const spans = calls.map((e) => e.data.spanId as string)
  expect(spans.every((span) => /^[\da-f]{16}$/.test(span))).toBe(true)
  expect(spans[0]).not.toBe(spans[1])
})
