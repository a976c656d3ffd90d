/**
 * `propagate` in a real Chromium: the page's own `fetch` calls to allowed origins carry
 * `traceparent` and `Tapedeck-Session` (seen by a fetch the test installs underneath, as a server
 * would see them), nothing else does, and an LLM call the recorder instruments records the trace.
 */
import { afterEach, describe, expect, inject, test } from 'vitest'
import { closeAll, recorderFor, uniqueDb } from '../../test/browser'
import type { RecorderOptions } from '../client/types'
import { instrumentFetch } from '../instrument/instrumentFetch'
import { traceIdOf } from '../sync/otlp/ids'

const mock = inject('mockLlm')
const pageFetch = window.fetch

afterEach(async () => {
  await closeAll()
  window.fetch = pageFetch
})

/** Installs, under whatever the recorder adds, a fetch that notes the headers of each request. */
function seeHeaders(): Array<{ url: string; traceparent: string | null; session: string | null }> {
  const seen: Array<{ url: string; traceparent: string | null; session: string | null }> = []
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    seen.push({ url: request.url, traceparent: request.headers.get('traceparent'), session: request.headers.get('tapedeck-session') })
    return pageFetch(input, init)
  }
  return seen
}

async function recording(options: RecorderOptions) {
  const recorder = recorderFor(uniqueDb(), options)
  const { id } = await recorder.start()
  return { recorder, id }
}

describe('propagate', () => {
  test('requests to an allowed origin carry the session’s trace id (the OTLP export’s) with a new span each, and the session id', async () => {
    const seen = seeHeaders()
    const { id } = await recording({ propagate: { origins: [location.origin] } })
    await fetch('/propagate-check-1')
    await fetch(new Request(`${location.origin}/propagate-check-2`, { headers: { 'x-app': '1' } }))
    expect(seen.map((r) => r.session)).toEqual([id, id])
    const [first, second] = seen.map((r) => r.traceparent!.split('-'))
    expect(first).toEqual(['00', traceIdOf(id), expect.stringMatching(/^[\da-f]{16}$/), '01'])
    expect(second![1]).toBe(traceIdOf(id))
    expect(second![2]).not.toBe(first![2])
  })

  test('nothing by default, nothing to other origins (third parties), nothing to the recorder’s own backend, and an app’s own traceparent is kept', async () => {
    const seen = seeHeaders()
    const { recorder } = await recording({ propagate: { origins: [location.origin] }, endpoint: `${location.origin}/tapedeck-backend`, sync: 'manual' })
    await fetch(`${mock}/v1/models`).catch(() => undefined)
    await fetch('/tapedeck-backend/v1/nothing')
    const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    await fetch('/propagate-check-3', { headers: { traceparent: own } })
    expect(seen.map((r) => r.traceparent)).toEqual([null, null, own])
    await recorder.close()
    const plain = seeHeaders()
    await recording({})
    await fetch('/propagate-check-4')
    expect(plain[0]!.traceparent).toBeNull()
    expect(plain[0]!.session).toBeNull()
  })

  test('an unsampled session propagates nothing (its id names nothing a backend could link to)', async () => {
    const seen = seeHeaders()
    await recording({ sampleRate: 0, propagate: { origins: [location.origin] } })
    await fetch('/propagate-check-5')
    expect(seen[0]!.traceparent).toBeNull()
  })

  test('an LLM call made through an allowed origin records the trace it carried on provider.call.started', async () => {
    const seen = seeHeaders()
    const recorder = recorderFor(uniqueDb(), { propagate: { origins: [new URL(mock).origin] } })
    // Instrumented before the session starts, so the recorder's propagation wraps it: it sees the request as it leaves.
    const stop = instrumentFetch(recorder)
    try {
      const { id } = await recorder.start()
      const response = await fetch(`${mock}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      })
      await response.text()
      await recorder.flush()
      const started = (await recorder.sessions.events(id)).find((e) => e.type === 'provider.call.started')!.data as Record<string, unknown>
      const sent = seen.find((r) => r.url.endsWith('/v1/chat/completions'))!
      expect(started.traceId).toBe(traceIdOf(id))
      expect(sent.traceparent).toBe(`00-${started.traceId}-${started.spanId}-01`)
      expect(sent.session).toBe(id)
    } finally {
      stop()
    }
  })
})
