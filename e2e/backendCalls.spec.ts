import { createHandler, createMemoryStore, serve } from '@tapedeck/server'
import { BASE_URL, expect, test } from './fixtures'
import { startMockLlm, type MockLlm } from './support/mockLlm'
import { startNodeBackend, type NodeBackend } from './support/nodeBackend'

interface WireEvent {
  sessionId: string
  seq: number
  ts: number
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

test('a page and its Node backend (@tapedeck/node): the server holds one conversation with the browser’s and the backend’s LLM calls', async ({ profile }) => {
  const page = await profile.open('/backend/index.html')
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

  const detail = (await (await fetch(`${server.url}/v1/sessions/${sessionId}`)).json()) as { streams: string[]; completeness: { complete: boolean } }
  expect(detail.completeness.complete).toBe(true)
  expect(detail.streams).toHaveLength(1)
  const streamId = detail.streams[0]!

  const calls = events.filter((e) => e.type === 'provider.call.completed')
  expect(calls.map((e) => e.sessionId)).toEqual([sessionId, streamId]) // the page's call first, then the backend's
  expect(calls[0]!.data).toMatchObject({ api: 'openai.chat', model: 'gpt-4o-mini', stream: false })
  expect(calls[1]!.data).toMatchObject({ api: 'openai.chat', model: 'gpt-4o-mini', stream: true, response: { text: backendAnswer }, usage: { inputTokens: expect.any(Number) } })
  const started = events.find((e) => e.sessionId === streamId && e.seq === 0)!
  expect(started).toMatchObject({ type: 'session.started', data: { parent: sessionId, stream: 'server', service: 'e2e-backend' } })
  // One timeline: ordered by time, the backend's call inside the page's conversation.
  const times = events.map((e) => e.ts)
  expect(times).toEqual([...times].sort((a, b) => a - b))
  const order = events.filter((e) => e.type === 'message.created' || e.type === 'provider.call.completed').map((e) => `${e.sessionId === sessionId ? 'page' : 'backend'}:${e.type}`)
  expect(order).toEqual(['page:message.created', 'page:provider.call.completed', 'backend:provider.call.completed', 'page:message.created'])
  // Each writer's credentials stay out of what was stored.
  expect(JSON.stringify(events)).not.toMatch(/sk-browser-e2e|sk-backend-e2e/)
})
