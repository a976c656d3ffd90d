// Sessions recorded with encryptForServer: every payload but lifecycle ones is `{"sealed":"…"}`.
// The server must describe and export them without crashing and without pretending to know
// what it cannot read.
import { describe, expect, it } from 'vitest'
import { exportCsv } from '../export/exportCsv.js'
import { exportHtml } from '../export/exportHtml.js'
import type { WireEvent } from '../store/SessionStore.js'
import { event } from '../testing/events.js'
import { describeSession } from './describeSession.js'
import { emptySummary, foldEvents, type SessionSummary } from './sessionSummary.js'

const sealed = { sealed: 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=' }

const session: WireEvent[] = [
  event('s_1', 0, 'session.started', { userId: 'u1', sealing: { alg: 'RSA-OAEP-256+A256GCM', kid: 'k1', key: 'AAAA' } }),
  event('s_1', 1, 'message.created', sealed),
  event('s_1', 2, 'provider.call.started', sealed),
  event('s_1', 3, 'provider.call.completed', sealed),
  event('s_1', 4, 'provider.call.failed', sealed),
  event('s_1', 5, 'tool.call.completed', sealed),
  event('s_1', 6, 'session.ended', { lastSeq: 6, reason: 'stopped' }),
]

async function* stream(events: WireEvent[]): AsyncIterable<WireEvent> {
  yield* events
}

describe('a sealed session', () => {
  it('is complete and counted by type; cost and tokens are unknown (null), not 0', () => {
    const detail = describeSession(foldEvents(emptySummary('s_1'), session))
    expect(detail.metadata).toMatchObject({ userId: 'u1' })
    expect(detail.completeness).toEqual({ complete: true, lastSeq: 6, gaps: [] })
    expect(detail.stats).toMatchObject({ events: 7, calls: 2, errors: 1, costUsd: null, inputTokens: null, outputTokens: null, sealedEvents: 5 })
  })

  it('with clear calls only sealed messages, cost and tokens are still known', () => {
    const detail = describeSession(
      foldEvents(emptySummary('s_1'), [event('s_1', 0, 'message.created', sealed), event('s_1', 1, 'provider.call.completed', { costUsd: 0.5, usage: { inputTokens: 3, outputTokens: 4 } })]),
    )
    expect(detail.stats).toMatchObject({ costUsd: 0.5, inputTokens: 3, outputTokens: 4, sealedEvents: 1 })
  })

  it('folds into a summary stored before sealing existed (no sealed counters yet)', () => {
    const { sealed: _sealed, sealedCalls: _calls, ...old } = foldEvents(emptySummary('s_1'), session.slice(0, 1))
    const detail = describeSession(foldEvents(old as SessionSummary, session.slice(1)))
    expect(detail.stats).toMatchObject({ sealedEvents: 5, costUsd: null })
  })

  it('a clear session says nothing of sealing', () => {
    const detail = describeSession(foldEvents(emptySummary('s_1'), [event('s_1', 0, 'provider.call.completed', { costUsd: 0.1 })]))
    expect(detail.stats).not.toHaveProperty('sealedEvents')
    expect(detail.stats.costUsd).toBe(0.1)
  })

  it('CSV: one row per finished call, with seq, time and status; every other cell says [sealed]', async () => {
    const csv = (await exportCsv(stream(session))).trimEnd().split('\r\n')
    expect(csv).toHaveLength(3)
    expect(csv[1]).toBe(`3,${session[3]!.ts},[sealed],[sealed],[sealed],completed,[sealed],[sealed],[sealed],[sealed],[sealed],[sealed],[sealed]`)
    expect(csv[2]).toMatch(/^4,\d+,\[sealed\],\[sealed\],\[sealed\],failed,/)
  })

  it('HTML: cost and tokens unknown, sealed events counted, each sealed row says so', async () => {
    const detail = describeSession(foldEvents(emptySummary('s_1'), session))
    const html = await exportHtml(detail, stream(session))
    expect(html).toContain('<dt>Cost</dt><dd>unknown: the calls are sealed</dd>')
    expect(html).toContain('<dt>Tokens in / out</dt><dd>unknown: the calls are sealed</dd>')
    expect(html).toContain('<dt>Sealed</dt><dd>5 events: their content is sealed')
    expect(html.match(/<td>\[sealed\]<\/td>/g)).toHaveLength(5)
    expect(html).not.toContain(sealed.sealed)
  })
})
