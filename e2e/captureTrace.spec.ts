// `propagate` end to end (docs/capture.md, "Correlation"): a page's requests carry a W3C
// traceparent and its session id to the app's own Node backend (@tapedeck/node, Express, the real
// OpenAI SDK against the mock LLM); the server holds one conversation — the page's session and the
// backend's linked stream — whose LLM calls share the page session's trace id.
import { traceIdOf } from '../packages/core/src/sync/otlp/ids'
import { test, expect } from './fixtures'
import { backendStack } from './support/backendConversation'

const stack = backendStack()

test('the page’s and the backend’s LLM calls share one trace id, with no header set by the app; the backend’s stream is linked to the page’s session', async ({ profile }) => {
  const { sessionId, events, serverUrl } = await stack.converse(profile, '/capture/trace.html')
  const detail = (await (await fetch(`${serverUrl}/v1/sessions/${sessionId}`)).json()) as { streams: string[] }
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
