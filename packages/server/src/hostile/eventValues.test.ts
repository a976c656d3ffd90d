import { describe, expect, it } from 'vitest'
import type { StatsResponse } from '@tapedeck/core'
import { exportHtml } from '../export/exportHtml.js'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { event } from '../testing/events.js'
import { hostileStores, serverPerTest } from '../testing/hostileStores.js'
import { postBatch } from '../testing/startServer.js'

/**
 * Numbers an event may carry that no clock or counter means: past a Date's range, past a
 * PostgreSQL bigint, or large enough that two of them add up to Infinity. The batch is valid
 * (the protocol checks seq, type and session only), so it is stored; what is read from it must
 * never be a 500 on any store.
 */
const HUGE = [1e308, -1e308, 2 ** 63, -(2 ** 63), 8.64e15 + 1]

function farSession(sessionId: string, ts: number) {
  return [
    { ...event(sessionId, 0, 'session.started', { userId: 'u_far' }), ts, t: ts },
    { ...event(sessionId, 1, 'provider.call.completed', { callId: 'c1', model: 'm', costUsd: 1e308, latencyMs: 1e308, ttftMs: 1e308, usage: { inputTokens: 1e308, outputTokens: 1e308, cachedTokens: 1e308, reasoningTokens: 1e308 } }), ts: -ts, t: -ts },
    event(sessionId, 2, 'provider.call.completed', { callId: 'c2', model: 'm', costUsd: 1e308, usage: { inputTokens: 1e308 } }),
    event(sessionId, 3, 'audio.input', { blobId: 'b_1', part: 0, durationMs: 1e308 }),
    event(sessionId, 4, 'audio.output', { blobId: 'b_2', part: 0, durationMs: 1e308 }),
    { ...event(sessionId, 5, 'session.ended', { lastSeq: 5 }), ts },
  ]
}

for (const { name, open } of hostileStores()) {
  describe(`hostile event values (${name} store)`, () => {
    const serve = serverPerTest(open)

    it('stores events with times and figures out of every range, and reads, lists, exports and counts them without a 500', async () => {
      const server = await serve()
      const ids = HUGE.map((_, i) => `s_far${i}`)
      for (const [i, ts] of HUGE.entries()) {
        const stored = await postBatch(server.url, farSession(ids[i]!, ts))
        expect([ts, stored.status]).toEqual([ts, 201])
      }
      const paths = [
        ...ids.flatMap((id) => [`/v1/sessions/${id}`, ...['jsonl', 'zip', 'csv', 'html', 'vtt', 'srt', 'txt'].map((format) => `/v1/sessions/${id}/export?format=${format}`)]),
        ...['startedAt', 'costUsd', 'durationMs', 'calls'].map((sort) => `/v1/sessions?sort=${sort}&minDurationMs=0`),
        '/v1/export?format=zip',
        '/v1/stats/checks?from=-8640000000000000&to=8640000000000000&groupBy=model',
      ]
      for (const path of paths) {
        const response = await fetch(`${server.url}${path}`)
        expect([path, response.status]).toEqual([path, 200])
        await response.arrayBuffer()
      }
      // Sums stay numbers: a figure that overflowed to Infinity would be JSON null, or a PostgreSQL error.
      for (const groupBy of ['model', 'userId', 'day']) {
        const range = groupBy === 'day' ? 'from=0&to=86400000' : 'from=-8640000000000000&to=8640000000000000'
        const response = await fetch(`${server.url}/v1/stats?groupBy=${groupBy}&${range}`)
        expect([groupBy, response.status]).toEqual([groupBy, 200])
        const { totals } = (await response.json()) as StatsResponse
        for (const figure of ['costUsd', 'inputTokens', 'outputTokens', 'audioMinutes'] as const) expect([groupBy, figure, typeof totals[figure]]).toEqual([groupBy, figure, 'number'])
      }
      expect(server.logs.filter((line) => line.startsWith('ERROR'))).toEqual([])
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    })
  })
}

describe('exportHtml', () => {
  it('writes a start a Date cannot hold (a summary folded before times were bounded) as its number', async () => {
    const store = createMemoryStore()
    await store.putBatch({ sessionId: 's_1', key: 'k', firstSeq: 0, lastSeq: 0, events: [event('s_1', 0, 'session.started')] })
    const detail = (await store.getSession('s_1'))!
    const html = await exportHtml({ ...detail, startedAt: 1e308 }, store.readEvents('s_1'))
    expect(html).toContain('<dt>Started</dt><dd>1e+308</dd>')
  })
})
