import { afterEach, beforeEach, expect } from 'vitest'
import type { ReviewAnnotation, SessionSearchPage } from '@tapedeck/core'
import { createHandler, type Handler } from '../http/createHandler.js'
import type { SessionStore, WireEvent } from '../store/SessionStore.js'
import { gzip, ndjson } from './events.js'
import type { OpenedStore } from './OpenedStore.js'
import { DAY0, HOUR, KEYS, STUDIO_SESSIONS } from './studioSessions.js'

/**
 * A fresh store behind a handler for each test of the enclosing describe block (registered with
 * its beforeEach and afterEach), with the requests the Studio contract makes. The handler's
 * clock is `clock`, which a test may move.
 */
export function studioHarness(open: () => Promise<OpenedStore>) {
  let opened: OpenedStore
  let handler: Handler
  const state = { store: undefined as unknown as SessionStore, clock: 0 }
  beforeEach(async () => {
    opened = await open()
    state.store = opened.store
    state.clock = DAY0 + 40 * 24 * HOUR
    handler = createHandler({ store: state.store, ...KEYS, log: false, now: () => state.clock })
  })
  afterEach(async () => {
    await opened.dispose()
  })

  const call = (method: string, path: string, key = 'admin-1', body?: unknown) =>
    handler(
      new Request(`http://tapedeck.test${path}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      }),
    )
  const ingest = async (events: readonly WireEvent[]) => {
    const response = await handler(
      new Request('http://tapedeck.test/v1/batches', {
        method: 'POST',
        headers: {
          Authorization: 'Bearer in-1',
          'Content-Type': 'application/x-ndjson',
          'Content-Encoding': 'gzip',
          'Idempotency-Key': `k_${events[0]!.seq}_${events.at(-1)!.seq}`,
          'Tapedeck-Session': events[0]!.sessionId,
          'Tapedeck-Seq': `${events[0]!.seq}-${events.at(-1)!.seq}`,
        },
        body: gzip(ndjson(events)),
      }),
    )
    expect(response.status).toBe(201)
  }
  const seed = async () => {
    for (const events of Object.values(STUDIO_SESSIONS)) {
      // Two batches, the second first: what is kept at ingest must not depend on the order.
      const half = Math.ceil(events.length / 2)
      await ingest(events.slice(half))
      await ingest(events.slice(0, half))
    }
  }
  const page = async (query: string, key = 'read-1') => {
    const response = await call('GET', `/v1/sessions?${query}`, key)
    expect(response.status).toBe(200)
    return (await response.json()) as SessionSearchPage
  }
  const ids = async (query: string) => {
    const { sessions, total } = await page(query)
    expect(total).toBe(sessions.length)
    return sessions.map((s) => s.id)
  }
  const code = async (response: Response) => [response.status, ((await response.json()) as { error?: { code?: string } }).error?.code]
  const annotate = async (sessionId: string, body: Record<string, unknown>, key = 'review-1') => {
    const response = await call('POST', `/v1/sessions/${sessionId}/annotations`, key, { author: 'Ada', ...body })
    expect(response.status).toBe(201)
    return ((await response.json()) as { annotation: ReviewAnnotation }).annotation
  }

  return {
    get store() {
      return state.store
    },
    get clock() {
      return state.clock
    },
    set clock(at: number) {
      state.clock = at
    },
    call,
    ingest,
    seed,
    page,
    ids,
    code,
    annotate,
  }
}
