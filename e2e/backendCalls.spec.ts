import { test, expect } from './fixtures'
import { backendStack } from './support/backendConversation'

const stack = backendStack()

test('a page and its Node backend (@tapedeck/node): the server holds one conversation with the browser’s and the backend’s LLM calls', async ({ profile }) => {
  const { sessionId, backendAnswer, events, serverUrl } = await stack.converse(profile, '/backend/index.html')

  const detail = (await (await fetch(`${serverUrl}/v1/sessions/${sessionId}`)).json()) as { streams: string[]; completeness: { complete: boolean } }
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
