import { createHash } from 'node:crypto'
import { strFromU8, unzipSync } from 'fflate'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ReviewAnnotation, SessionSearchPage, ShareCreated, StatsManyResponse, StatsResponse } from '@tapedeck/core'
import { createHandler, type Handler } from '../http/createHandler.js'
import type { SessionStore, WireEvent } from '../store/SessionStore.js'
import { event, gzip, ndjson } from './events.js'
import type { OpenedStore } from './storeContract.js'

const DAY0 = Date.UTC(2026, 10, 2)
const HOUR = 3_600_000
const KEYS = { ingestKeys: ['in-1'], readKeys: ['read-1'], reviewKeys: ['review-1'], adminKeys: ['admin-1'] }

/** A session: its events (seq 0 the start at `startedAt`), `t` 100 ms a seq. */
function session(id: string, startedAt: number, metadata: Record<string, unknown>, body: Array<[string, Record<string, unknown>]>): WireEvent[] {
  const events = [event(id, 0, 'session.started', metadata), ...body.map(([type, data], i) => event(id, i + 1, type, data))]
  events.push(event(id, events.length, 'session.ended', { lastSeq: events.length }))
  return events.map((e) => ({ ...e, ts: startedAt + e.seq * 100 }))
}

const completed = (callId: string, model: string, costUsd: number, latencyMs: number, ttftMs: number, tokens = [100, 50, 10, 5]) =>
  [
    'provider.call.completed',
    { callId, model, costUsd, latencyMs, ttftMs, usage: { inputTokens: tokens[0], outputTokens: tokens[1], cachedTokens: tokens[2], reasoningTokens: tokens[3] } },
  ] as [string, Record<string, unknown>]

/**
 * alpha (day 0, u_a, tags vip+beta, label gold): gpt-4o $0.01 and gpt-4o-mini $0.002, a transcript.
 * beta (day 0 + 1 h, u_b, tag beta): gpt-4o $0.03 and a failed gpt-4o call, an error, 90 s of
 * audio, a tool call with arguments. gamma (day 1, u_a): one message, no calls.
 */
export const STUDIO_SESSIONS = {
  alpha: session('s_alpha', DAY0, { userId: 'u_a', feature: 'chat', agentId: 'ag_1', tags: ['vip', 'beta'], label: 'gold' }, [
    ['message.created', { messageId: 'm1', role: 'user', content: 'Where is my money?' }],
    ['provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o', messages: [{ role: 'user', content: 'Where is my money?' }] }],
    completed('c1', 'gpt-4o', 0.01, 1000, 200),
    ['provider.call.started', { callId: 'c2', provider: 'openai', model: 'gpt-4o-mini' }],
    completed('c2', 'gpt-4o-mini', 0.002, 400, 100, [20, 10, 0, 0]),
    ['transcript.segment', { speaker: 'agent', text: 'Good news: the refund was approved yesterday.', startT: 0, endT: 900, final: true }],
  ]),
  beta: session('s_beta', DAY0 + HOUR, { userId: 'u_b', feature: 'voice', agentId: 'ag_2', tags: ['beta'] }, [
    ['provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o' }],
    completed('c1', 'gpt-4o', 0.03, 3000, 600, [300, 200, 0, 40]),
    ['tool.call.started', { toolCallId: 't1', name: 'lookupOrder', args: { orderId: 'ZX81', city: 'Lisbon' } }],
    ['provider.call.started', { callId: 'c2', provider: 'openai', model: 'gpt-4o' }],
    ['provider.call.failed', { callId: 'c2', error: { name: 'APIError', message: 'overloaded' }, latencyMs: 50 }],
    ['error.raised', { message: 'widget crashed' }],
    ['audio.input', { blobId: 'b1', part: 0, mimeType: 'audio/webm', startT: 0, durationMs: 90_000, bytes: 3 }],
  ]),
  gamma: session('s_gamma', DAY0 + 24 * HOUR, { userId: 'u_a', feature: 'chat' }, [['message.created', { messageId: 'm1', role: 'user', content: 'hello from Lisbon' }]]),
}

/**
 * The Studio API (docs/server.md, "Studio API") over a store: every route through the handler,
 * so each store is checked for what a client sees. Called by describeStoreContract.
 */
export function describeStudioContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Studio API: ${name}`, () => {
    let opened: OpenedStore
    let store: SessionStore
    let handler: Handler
    let clock: number
    beforeEach(async () => {
      opened = await open()
      store = opened.store
      clock = DAY0 + 40 * 24 * HOUR
      handler = createHandler({ store, ...KEYS, log: false, now: () => clock })
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

    it('filters sessions by metadata, calls, errors, audio, cost and duration, with the total', async () => {
      await seed()
      expect(await ids('')).toEqual(['s_gamma', 's_beta', 's_alpha'])
      expect(await ids('tag=beta')).toEqual(['s_beta', 's_alpha'])
      expect(await ids('tag=vip')).toEqual(['s_alpha'])
      expect(await ids('label=gold')).toEqual(['s_alpha'])
      expect(await ids('agentId=ag_2')).toEqual(['s_beta'])
      expect(await ids('model=gpt-4o-mini')).toEqual(['s_alpha'])
      expect(await ids('model=gpt-4o')).toEqual(['s_beta', 's_alpha'])
      expect(await ids('hasErrors=true')).toEqual(['s_beta'])
      expect(await ids('hasErrors=false')).toEqual(['s_gamma', 's_alpha'])
      expect(await ids('hasAudio=true')).toEqual(['s_beta'])
      expect(await ids('hasAudio=false&feature=chat')).toEqual(['s_gamma', 's_alpha'])
      expect(await ids('minCostUsd=0.012')).toEqual(['s_beta', 's_alpha'])
      expect(await ids('maxCostUsd=0.0119')).toEqual(['s_gamma'])
      expect(await ids('minDurationMs=750')).toEqual(['s_beta'])
      expect(await ids('minDurationMs=700')).toEqual(['s_beta', 's_alpha'])
      expect(await ids('userId=u_a&tag=beta&model=gpt-4o')).toEqual(['s_alpha'])
      const detail = (await page('agentId=ag_2')).sessions[0]!
      expect([detail.stats.costUsd, detail.stats.calls, detail.stats.errors, detail.stats.models, detail.stats.audioMs]).toEqual([0.03, 2, 2, ['gpt-4o'], 90_000])
      const limited = await page('tag=beta&limit=1')
      expect([limited.sessions.length, limited.total]).toEqual([1, 2])
    })

    it('sorts by cost, duration, errors and calls, both ways, in pages that cover each session once', async () => {
      await seed()
      expect(await ids('sort=costUsd&order=asc')).toEqual(['s_gamma', 's_alpha', 's_beta'])
      expect(await ids('sort=costUsd')).toEqual(['s_beta', 's_alpha', 's_gamma'])
      expect(await ids('sort=durationMs&order=asc')).toEqual(['s_gamma', 's_alpha', 's_beta'])
      expect(await ids('sort=errors')).toEqual(['s_beta', 's_gamma', 's_alpha'])
      // Ties are ordered by id, in the same direction.
      expect(await ids('sort=calls')).toEqual(['s_beta', 's_alpha', 's_gamma'])
      expect(await ids('sort=calls&order=asc')).toEqual(['s_gamma', 's_alpha', 's_beta'])
      expect(await ids('sort=startedAt&order=asc')).toEqual(['s_alpha', 's_beta', 's_gamma'])
      for (const query of ['sort=costUsd&order=asc', 'sort=calls', 'sort=errors&order=asc', 'sort=startedAt']) {
        const seen: string[] = []
        let next = await page(`${query}&limit=1`)
        for (let i = 0; i < 5; i++) {
          expect(next.total).toBe(3)
          seen.push(...next.sessions.map((s) => s.id))
          if (!next.nextCursor) break
          next = await page(`${query}&limit=1&cursor=${next.nextCursor}`)
        }
        expect([query, seen]).toEqual([query, await ids(query)])
      }
    })

    it('finds a word in a transcript and in a tool argument, with a highlighted snippet where it is', async () => {
      await seed()
      const refund = await page('q=REFUND')
      expect([refund.total, refund.sessions.map((s) => s.id)]).toEqual([1, ['s_alpha']])
      const match = refund.sessions[0]!.match!
      expect([match.seq, match.t, match.field]).toEqual([6, 600, 'transcript'])
      expect(match.snippet).toContain('the refund was approved')
      expect(match.highlights.map((h) => match.snippet.slice(h.start, h.end))).toEqual(['refund'])

      const order = await page('q=zx81')
      expect(order.sessions.map((s) => [s.id, s.match?.field, s.match?.seq])).toEqual([['s_beta', 'tool', 3]])
      expect(order.sessions[0]!.match!.highlights.map((h) => order.sessions[0]!.match!.snippet.slice(h.start, h.end))).toEqual(['ZX81'])

      expect(await ids('q=lisbon')).toEqual(['s_gamma', 's_beta'])
      expect(await ids('q=lisbon&userId=u_a')).toEqual(['s_gamma'])
      expect(await ids('q=approved%20refund')).toEqual(['s_alpha'])
      // Every word must be in one text: "refund" and "Lisbon" never are.
      expect(await ids('q=refund%20lisbon')).toEqual([])
      // Not even in two texts of one session: alpha's message holds "money", its transcript "refund".
      expect(await ids('q=money%20refund')).toEqual([])
      expect(await ids('q=money')).toEqual(['s_alpha'])
      expect((await page('q=money')).sessions[0]!.match!.field).toBe('message')
      expect((await page('q=overloaded')).sessions[0]!.match!.field).toBe('error')
      expect(await ids('q=refun')).toEqual([])
      expect(await ids('q=lisbon&sort=costUsd&order=asc')).toEqual(['s_gamma', 's_beta'])
    })

    it('answers statistics by model, day, tag and user, percentiles included', async () => {
      await seed()
      const stats = async (query: string) => {
        const response = await call('GET', `/v1/stats?from=${DAY0}&to=${DAY0 + 30 * 24 * HOUR}&${query}`, 'read-1')
        expect(response.status).toBe(200)
        return (await response.json()) as StatsResponse
      }
      const byModel = await stats('groupBy=model')
      expect(byModel.groups).toEqual([
        {
          key: 'gpt-4o',
          sessions: 2,
          users: 2,
          sessionsWithErrors: 1,
          errors: 2,
          calls: 3,
          failedCalls: 1,
          inputTokens: 400,
          outputTokens: 250,
          cachedTokens: 10,
          reasoningTokens: 45,
          costUsd: 0.04,
          latencyMs: { p50: 2000, p95: 2900 },
          ttftMs: { p50: 400, p95: 580 },
          audioMinutes: 1.5,
        },
        {
          key: 'gpt-4o-mini',
          sessions: 1,
          users: 1,
          sessionsWithErrors: 0,
          errors: 0,
          calls: 1,
          failedCalls: 0,
          inputTokens: 20,
          outputTokens: 10,
          cachedTokens: 0,
          reasoningTokens: 0,
          costUsd: 0.002,
          latencyMs: { p50: 400, p95: 400 },
          ttftMs: { p50: 100, p95: 100 },
          audioMinutes: 0,
        },
      ])
      expect(byModel.totals).toMatchObject({ sessions: 3, users: 2, calls: 4, failedCalls: 1, costUsd: 0.042, errors: 2, audioMinutes: 1.5 })
      expect(byModel.totals.latencyMs).toEqual({ p50: 1000, p95: 2800 })

      const byDay = await stats('groupBy=day')
      expect(byDay.groups.map((g) => [g.key, g.sessions, g.calls, g.costUsd])).toEqual([
        [new Date(DAY0).toISOString(), 2, 4, 0.042],
        [new Date(DAY0 + 24 * HOUR).toISOString(), 1, 0, 0],
      ])
      const byHour = await stats('groupBy=hour&feature=voice')
      expect(byHour.groups.map((g) => [g.key, g.sessions])).toEqual([[new Date(DAY0 + HOUR).toISOString(), 1]])
      const byTag = await stats('groupBy=tag')
      expect(byTag.groups.map((g) => [g.key, g.sessions, g.costUsd])).toEqual([
        ['beta', 2, 0.042],
        ['vip', 1, 0.012],
        [null, 1, 0],
      ])
      const byUser = await stats('groupBy=userId&limit=1')
      // More groups than the limit: the top one by cost still has its percentiles, the totals theirs over every call.
      // beta's failed call arrived before its start (and its user): it counts under u_b all the same.
      expect(byUser.groups.map((g) => [g.key, g.sessions, g.users, g.calls, g.failedCalls, g.latencyMs.p50])).toEqual([['u_b', 1, 1, 2, 1, 3000]])
      const users = await stats('groupBy=userId')
      expect(users.groups.map((g) => [g.key, g.sessions, g.calls, g.costUsd])).toEqual([
        ['u_b', 1, 2, 0.03],
        ['u_a', 2, 2, 0.012],
      ])
      expect(byUser.totals.latencyMs).toEqual({ p50: 1000, p95: 2800 })
      const searched = await stats('groupBy=agentId&q=lisbon')
      expect(searched.groups.map((g) => [g.key, g.sessions])).toEqual([['ag_2', 1], [null, 1]])
      // alpha's second half (its gpt-4o-mini call) arrived before its start: the call counts from the session's start all the same.
      const first = await call('GET', `/v1/stats?from=${DAY0}&to=${DAY0 + 1}&groupBy=model`, 'read-1')
      expect(((await first.json()) as StatsResponse).groups.map((g) => [g.key, g.sessions, g.calls])).toEqual([
        ['gpt-4o', 1, 1],
        ['gpt-4o-mini', 1, 1],
      ])
      const none = await stats('groupBy=model&userId=nobody')
      expect([none.groups, none.totals.sessions, none.totals.latencyMs]).toEqual([[], 0, { p50: null, p95: null }])
    })

    it("pages a session's events with limit, each line the event as stored", async () => {
      await seed()
      const lines = async (query: string) => {
        const response = await call('GET', `/v1/sessions/s_alpha/events${query}`, 'read-1')
        expect([query, response.status]).toEqual([query, 200])
        return (await response.text()).split('\n').filter((line) => line !== '')
      }
      const all = await lines('')
      const stored: string[] = []
      for await (const event of store.readEvents('s_alpha')) stored.push(JSON.stringify(event))
      expect([all.length > 3, all]).toEqual([true, stored])
      expect(await lines('?limit=2')).toEqual(all.slice(0, 2))
      const second = (JSON.parse(all[1]!) as WireEvent).seq
      expect(await lines(`?fromSeq=${second + 1}&limit=2`)).toEqual(all.slice(2, 4))
      expect(await lines(`?limit=${all.length + 5}`)).toEqual(all)
      for (const query of ['?limit=0', '?limit=-1', '?limit=1.5', '?limit=a', '?limit=1&limit=2', '?streams=linked&limit=5']) {
        expect([query, ...(await code(await call('GET', `/v1/sessions/s_alpha/events${query}`, 'read-1')))]).toEqual([query, 400, 'invalid_query'])
      }
    })

    it('answers several groupings in one request, each as it answers alone', async () => {
      await seed()
      const get = async (query: string) => {
        const response = await call('GET', `/v1/stats?${query}`, 'read-1')
        expect([query, response.status]).toEqual([query, 200])
        return response.json()
      }
      const range = `from=${DAY0}&to=${DAY0 + 30 * 24 * HOUR}`
      // Whole days (the roll-ups on PostgreSQL), a partial first day, filters, a limit, tags alone with sessions fanned out.
      for (const [groupings, rest] of [
        [['day', 'model', 'userId', 'feature'], range],
        [['model', 'hour', 'tag'], `from=${DAY0 + HOUR / 2}&to=${DAY0 + 3 * 24 * HOUR}`],
        [['userId', 'tag', 'agentId'], `${range}&limit=1`],
        [['tag', 'model'], `${range}&feature=voice`],
        [['feature', 'day'], `${range}&q=lisbon`],
      ] as const) {
        const many = (await get(`groupBy=${groupings.join(',')}&${rest}`)) as StatsManyResponse
        const alone = await Promise.all(groupings.map((groupBy) => get(`groupBy=${groupBy}&${rest}`) as Promise<StatsResponse>))
        expect([groupings, many.results]).toEqual([groupings, alone])
        expect([many.from, many.to]).toEqual([alone[0]!.from, alone[0]!.to])
      }
      // Not an answer made of nothing: the first combination's groups hold the sessions of the other test.
      const overview = (await get(`groupBy=day,model,userId,feature&${range}`)) as StatsManyResponse
      expect(overview.results.map((result) => [result.groupBy, result.groups.length, result.totals.sessions, result.totals.calls])).toEqual([
        ['day', 2, 3, 4],
        ['model', 2, 3, 4],
        ['userId', 2, 3, 4],
        ['feature', 2, 3, 4],
      ])
    })

    it('refuses bad filters, sorts and groupings with invalid_query', async () => {
      await seed()
      const bad = [
        '/v1/sessions?sort=price',
        '/v1/sessions?order=up',
        '/v1/sessions?hasErrors=yes',
        '/v1/sessions?hasAudio=1',
        '/v1/sessions?minCostUsd=-1',
        '/v1/sessions?maxCostUsd=abc',
        '/v1/sessions?minDurationMs=1e3',
        '/v1/sessions?tag=',
        '/v1/sessions?tag=a&tag=b',
        '/v1/sessions?q=%20%21%3F',
        `/v1/sessions?q=${'a'.repeat(201)}`,
        '/v1/sessions?model=%00',
        '/v1/sessions?sort=calls&cursor=MS41OnNfYQ',
        '/v1/stats?groupBy=week',
        '/v1/stats?groupBy=day,week',
        '/v1/stats?groupBy=day,day',
        '/v1/stats?groupBy=model,',
        '/v1/stats?groupBy=,model',
        `/v1/stats?groupBy=model,hour&from=0&to=${DAY0}`,
        '/v1/stats?groupBy=model&limit=0',
        `/v1/stats?groupBy=hour&from=0&to=${DAY0}`,
        '/v1/stats?from=10&to=5',
        '/v1/stats?reviewed=maybe',
        '/v1/export?format=csv',
        '/v1/export?sort=costUsd',
        '/v1/export?flagged=no',
      ]
      for (const path of bad) expect([path, ...(await code(await call('GET', path, 'read-1')))]).toEqual([path, 400, 'invalid_query'])
    })

    it('counts pass rates per check from verdict annotations, by day, model, agent, tag and check', async () => {
      await seed()
      const verdict = (sessionId: string, name: string, passed: boolean) => annotate(sessionId, { kind: 'comment', text: `validation.result ${JSON.stringify({ name, passed, score: passed ? 1 : 0, eventIds: [] })}` })
      await verdict('s_alpha', 'polite', true)
      await verdict('s_alpha', 'grounded', false)
      await verdict('s_alpha', 'grounded', true) // evaluated again: the latest verdict counts
      await verdict('s_beta', 'polite', false)
      await verdict('s_gamma', 'polite', true)
      await annotate('s_gamma', { kind: 'comment', text: 'validation.result {not json' })
      await annotate('s_gamma', { kind: 'comment', text: 'validation.result {"name":"","passed":false}' })
      await annotate('s_gamma', { kind: 'comment', text: 'validation.result {"name":"polite","passed":"no"}' })
      await annotate('s_gamma', { kind: 'comment', text: 'validation.result [1]' })
      // A verdict changed in place (postResults patches it): its new outcome counts.
      const edited = await annotate('s_beta', { kind: 'comment', text: `validation.result ${JSON.stringify({ name: 'brief', passed: true })}` })
      expect((await call('PATCH', `/v1/sessions/s_beta/annotations/${edited.id}`, 'review-1', { text: `validation.result ${JSON.stringify({ name: 'brief', passed: false })}` })).status).toBe(200)
      await annotate('s_gamma', { kind: 'comment', text: 'a plain comment' })
      const rates = async (query: string) => {
        const response = await call('GET', `/v1/stats/checks?from=${DAY0}&${query.includes('to=') ? '' : `to=${DAY0 + 30 * 24 * HOUR}&`}${query}`, 'read-1')
        expect(response.status).toBe(200)
        const body = (await response.json()) as { groups: Array<{ key: string | null; checks: Array<{ check: string; runs: number; passed: number; passRate: number }> }>; totals: unknown[]; sessions: number }
        return { body, flat: body.groups.map((g) => [g.key, g.checks.map((c) => `${c.check} ${c.passed}/${c.runs} ${c.passRate}`).join(', ')]) }
      }
      const byDay = await rates('groupBy=day')
      expect(byDay.flat).toEqual([
        [new Date(DAY0).toISOString(), 'brief 0/1 0, grounded 1/1 1, polite 1/2 0.5'],
        [new Date(DAY0 + 24 * HOUR).toISOString(), 'polite 1/1 1'],
      ])
      expect(byDay.body.totals).toEqual([
        { check: 'brief', runs: 1, passed: 0, passRate: 0 },
        { check: 'grounded', runs: 1, passed: 1, passRate: 1 },
        { check: 'polite', runs: 3, passed: 2, passRate: 0.666667 },
      ])
      expect(byDay.body.sessions).toBe(3) // the three annotated sessions
      expect((await rates('groupBy=model')).flat).toEqual([
        ['gpt-4o', 'brief 0/1 0, grounded 1/1 1, polite 1/2 0.5'],
        ['gpt-4o-mini', 'grounded 1/1 1, polite 1/1 1'],
        [null, 'polite 1/1 1'],
      ])
      expect((await rates('groupBy=agentId')).flat).toEqual([
        ['ag_1', 'grounded 1/1 1, polite 1/1 1'],
        ['ag_2', 'brief 0/1 0, polite 0/1 0'],
        [null, 'polite 1/1 1'],
      ])
      expect((await rates('groupBy=tag')).flat).toEqual([
        ['beta', 'brief 0/1 0, grounded 1/1 1, polite 1/2 0.5'],
        ['vip', 'grounded 1/1 1, polite 1/1 1'],
        [null, 'polite 1/1 1'],
      ])
      expect((await rates('groupBy=check&feature=chat')).flat).toEqual([
        ['grounded', 'grounded 1/1 1'],
        ['polite', 'polite 2/2 1'],
      ])
      expect((await rates(`groupBy=check&to=${DAY0 + 2 * HOUR}`)).flat).toEqual([
        ['brief', 'brief 0/1 0'],
        ['grounded', 'grounded 1/1 1'],
        ['polite', 'polite 1/2 0.5'],
      ])
      for (const path of ['/v1/stats/checks?groupBy=hour', '/v1/stats/checks?from=10&to=5', '/v1/stats/checks?reviewed=maybe', `/v1/stats/checks?from=0&to=${DAY0}`]) {
        expect([path, ...(await code(await call('GET', path, 'read-1')))]).toEqual([path, 400, 'invalid_query'])
      }
      expect((await call('GET', '/v1/stats/checks', 'review-1')).status).toBe(200)
      expect((await call('GET', '/v1/stats/checks', 'in-1')).status).toBe(403)
    })

    it('keeps review annotations: add, list, change, delete, and filters on them', async () => {
      await seed()
      clock += 1000
      const comment = await annotate('s_alpha', { kind: 'comment', text: 'Polite and correct.', range: { fromT: 100, toT: 600 } })
      expect(comment).toMatchObject({ sessionId: 's_alpha', kind: 'comment', text: 'Polite and correct.', score: null, author: 'Ada', createdAt: clock, updatedAt: clock })
      const score = await annotate('s_alpha', { kind: 'score', score: 4, range: { fromSeq: 2, toSeq: 3 } }, 'admin-1')
      const label = await annotate('s_beta', { kind: 'label', text: 'escalate' })
      await annotate('s_beta', { kind: 'flag', text: '' })

      const listed = await call('GET', '/v1/sessions/s_alpha/annotations', 'read-1')
      expect(((await listed.json()) as { annotations: ReviewAnnotation[] }).annotations).toEqual([comment, score])

      clock += 5000
      const patched = await call('PATCH', `/v1/sessions/s_alpha/annotations/${score.id}`, 'review-1', { score: 2, text: 'too slow', range: null })
      expect(patched.status).toBe(200)
      const changed = ((await patched.json()) as { annotation: ReviewAnnotation }).annotation
      expect(changed).toEqual({ ...score, score: 2, text: 'too slow', range: null, updatedAt: clock })

      expect(await ids('label=escalate')).toEqual(['s_beta'])
      expect(await ids('reviewed=true')).toEqual(['s_beta', 's_alpha'])
      expect(await ids('reviewed=false')).toEqual(['s_gamma'])
      expect(await ids('flagged=true')).toEqual(['s_beta'])
      expect(await ids('flagged=false')).toEqual(['s_gamma', 's_alpha'])

      expect((await call('DELETE', `/v1/sessions/s_beta/annotations/${label.id}`, 'review-1')).status).toBe(200)
      expect(await code(await call('DELETE', `/v1/sessions/s_beta/annotations/${label.id}`, 'review-1'))).toEqual([404, 'annotation_not_found'])
      expect(await ids('label=escalate')).toEqual([])
      expect(await code(await call('PATCH', `/v1/sessions/s_beta/annotations/${label.id}`, 'review-1', { text: 'x' }))).toEqual([404, 'annotation_not_found'])
      expect(await code(await call('GET', '/v1/sessions/s_none/annotations', 'read-1'))).toEqual([404, 'session_not_found'])
      expect(await code(await call('POST', '/v1/sessions/s_none/annotations', 'review-1', { kind: 'comment', text: 'x', author: 'Ada' }))).toEqual([404, 'session_not_found'])

      const invalid = [
        { kind: 'rating', text: 'x', author: 'Ada' },
        { kind: 'comment', text: '   ', author: 'Ada' },
        { kind: 'comment', text: 'x'.repeat(10_001), author: 'Ada' },
        { kind: 'label', text: 'x'.repeat(201), author: 'Ada' },
        { kind: 'score', score: 6, author: 'Ada' },
        { kind: 'score', score: 2.5, author: 'Ada' },
        { kind: 'comment', text: 'x', score: 3, author: 'Ada' },
        { kind: 'comment', text: 'x', author: '' },
        { kind: 'comment', text: 'x' },
        { kind: 'comment', text: 'x', author: 'Ada', range: { fromT: 5, toT: 1 } },
        { kind: 'comment', text: 'x', author: 'Ada', range: { fromSeq: 1.5, toSeq: 2 } },
        { kind: 'comment', text: 'x', author: 'Ada', range: { fromT: 1, toT: 2, extra: 1 } },
        { kind: 'comment', text: 'x', author: 'Ada', id: 'mine' },
      ]
      for (const body of invalid) expect([body, ...(await code(await call('POST', '/v1/sessions/s_alpha/annotations', 'review-1', body)))]).toEqual([body, 400, 'invalid_body'])
      expect(await code(await call('PATCH', `/v1/sessions/s_alpha/annotations/${comment.id}`, 'review-1', { kind: 'flag' }))).toEqual([400, 'invalid_body'])
      expect(await code(await call('PATCH', `/v1/sessions/s_alpha/annotations/${comment.id}`, 'review-1', { score: 3 }))).toEqual([400, 'invalid_body'])
    })

    it('keeps statistics over whole days in step with ingest, a start that comes late, erasure and holds', async () => {
      // PostgreSQL answers whole days from daily roll-ups (docs/server.md, "Daily roll-ups"); every store must answer the same.
      await seed()
      const stats = async (groupBy: string, from = DAY0) => {
        const response = await call('GET', `/v1/stats?from=${from}&to=${DAY0 + 30 * 24 * HOUR}&groupBy=${groupBy}`, 'read-1')
        expect(response.status).toBe(200)
        return ((await response.json()) as StatsResponse).groups.map((g) => [g.key, g.calls, g.costUsd, g.latencyMs.p50, g.latencyMs.p95])
      }
      expect(await stats('model')).toEqual([
        ['gpt-4o', 3, 0.04, 2000, 2900],
        ['gpt-4o-mini', 1, 0.002, 400, 400],
      ])
      // delta (day 1): its call arrives before its start, so first without a feature; its start
      // carries the time of its first event, so only the feature changes when it comes.
      const delta = session('s_delta', DAY0 + 26 * HOUR, { userId: 'u_d', feature: 'support' }, [
        ['provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o' }],
        completed('c1', 'gpt-4o', 0.5, 9000, 900),
      ]).map((e) => (e.seq === 0 ? { ...e, ts: DAY0 + 26 * HOUR + 100 } : e))
      await ingest(delta.slice(1))
      expect(await stats('feature')).toEqual([
        [null, 1, 0.5, 9000, 9000],
        ['voice', 2, 0.03, 3000, 3000],
        ['chat', 2, 0.012, 700, 970],
      ])
      await ingest(delta.slice(0, 1))
      expect((await stats('feature'))[0]).toEqual(['support', 1, 0.5, 9000, 9000])
      expect(await stats('model')).toEqual([
        ['gpt-4o', 4, 0.54, 3000, 8400],
        ['gpt-4o-mini', 1, 0.002, 400, 400],
      ])
      // One feature: its own roll-up rows, by day and as its one group.
      expect(await stats('day&feature=chat')).toEqual([
        [new Date(DAY0).toISOString(), 2, 0.012, 700, 970],
        [new Date(DAY0 + 24 * HOUR).toISOString(), 0, 0, null, null],
      ])
      expect(await stats('feature&feature=support')).toEqual([['support', 1, 0.5, 9000, 9000]])
      // From half an hour into day 0: that partial day from the calls (beta), the whole days after it as before (delta).
      expect(await stats('model', DAY0 + HOUR / 2)).toEqual([['gpt-4o', 3, 0.53, 6000, 8700]])
      expect((await call('DELETE', '/v1/sessions/s_beta')).status).toBe(200)
      const erased = [
        ['gpt-4o', 2, 0.51, 5000, 8600],
        ['gpt-4o-mini', 1, 0.002, 400, 400],
      ]
      expect(await stats('model')).toEqual(erased)
      expect((await stats('day')).map(([key, calls]) => [key, calls])).toEqual([
        [new Date(DAY0).toISOString(), 2],
        [new Date(DAY0 + 24 * HOUR).toISOString(), 1],
      ])
      // A held session is not erased, and neither are its figures.
      expect((await call('PUT', '/v1/sessions/s_alpha/hold', 'admin-1', { reason: 'case 7' })).status).toBe(200)
      expect((await call('DELETE', '/v1/sessions/s_alpha')).status).toBe(423)
      expect((await call('DELETE', '/v1/users/u_a')).status).toBe(200)
      expect(await stats('model')).toEqual(erased)
    })

    it('erases annotations and share links with the session, and keeps them while it is held', async () => {
      await seed()
      await annotate('s_alpha', { kind: 'comment', text: 'keep me' })
      await annotate('s_beta', { kind: 'flag' })
      const shared = (await (await call('POST', '/v1/sessions/s_beta/shares', 'review-1', { expiresInMs: 3_600_000 })).json()) as ShareCreated
      expect((await call('PUT', '/v1/sessions/s_alpha/hold', 'admin-1', { reason: 'case 7' })).status).toBe(200)
      expect((await call('DELETE', '/v1/sessions/s_alpha')).status).toBe(423)
      expect((await call('DELETE', '/v1/sessions/s_beta')).status).toBe(200)
      expect(((await (await call('GET', '/v1/sessions/s_alpha/annotations')).json()) as { annotations: unknown[] }).annotations).toHaveLength(1)
      expect(await store.listShares('s_beta')).toEqual([])
      expect(await code(await call('GET', '/v1/sessions/s_beta', shared.token))).toEqual([401, 'unauthorized'])
      // The same id recorded again is a new session, without the old review work.
      await ingest(STUDIO_SESSIONS.beta)
      expect(((await (await call('GET', '/v1/sessions/s_beta/annotations')).json()) as { annotations: unknown[] }).annotations).toEqual([])
      expect(await ids('flagged=true')).toEqual([])
      // Erasing by user and by retention take annotations too.
      expect((await call('DELETE', '/v1/sessions/s_alpha/hold')).status).toBe(200)
      expect((await call('DELETE', '/v1/users/u_a')).status).toBe(200)
      await ingest(STUDIO_SESSIONS.alpha)
      expect(((await (await call('GET', '/v1/sessions/s_alpha/annotations')).json()) as { annotations: unknown[] }).annotations).toEqual([])
    })

    it('gives a share link that reads its one session until it expires or is revoked, and stores only its hash', async () => {
      await seed()
      await annotate('s_alpha', { kind: 'comment', text: 'shared note' })
      await call('PUT', '/v1/sessions/s_alpha/blobs/b1/0', 'in-1')
      const made = await call('POST', '/v1/sessions/s_alpha/shares', 'review-1', { expiresInMs: 3_600_000 })
      expect(made.status).toBe(201)
      const { share, token } = (await made.json()) as ShareCreated
      expect(share).toEqual({ id: share.id, sessionId: 's_alpha', createdAt: clock, expiresAt: clock + 3_600_000 })
      const stored = await store.getShare('s_alpha', share.id)
      expect(stored?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'))
      expect(JSON.stringify(await store.listShares('s_alpha'))).not.toContain(token.split('.').at(-1)!)

      for (const path of ['/v1/sessions/s_alpha', '/v1/sessions/s_alpha/events', '/v1/sessions/s_alpha/annotations', '/v1/sessions/s_alpha/export?format=zip', '/v1/sessions/s_alpha/blobs/b1/0']) {
        expect([path, (await call('GET', path, token)).status]).toEqual([path, 200])
      }
      expect(await (await call('GET', '/v1/access', token)).json()).toEqual({ kind: 'share', sessionId: 's_alpha', expiresAt: share.expiresAt })
      const refused = [
        ['GET', '/v1/sessions/s_beta'],
        ['GET', '/v1/sessions/s_beta/events'],
        ['GET', '/v1/sessions/s_beta/annotations'],
        ['GET', '/v1/sessions/s_beta/export'],
        ['GET', '/v1/sessions'],
        ['GET', '/v1/stats'],
        ['GET', '/v1/export'],
        ['GET', '/v1/sessions/s_alpha/hold'],
        ['GET', '/v1/sessions/s_alpha/shares'],
        ['POST', '/v1/sessions/s_alpha/shares'],
        ['POST', '/v1/sessions/s_alpha/annotations'],
        ['DELETE', '/v1/sessions/s_alpha'],
        ['PUT', '/v1/sessions/s_alpha/blobs/b2/0'],
      ]
      for (const [method, path] of refused) expect([method, path, ...(await code(await call(method!, path!, token)))]).toEqual([method, path, 403, 'forbidden'])
      // A token whose ids were changed to another session's is not a token at all.
      const forged = token.replace('s_alpha', 's_beta')
      expect(await code(await call('GET', '/v1/sessions/s_beta', forged))).toEqual([401, 'unauthorized'])
      expect(await code(await call('GET', '/v1/sessions/s_alpha', `${token}x`))).toEqual([401, 'unauthorized'])

      const listed = (await (await call('GET', '/v1/sessions/s_alpha/shares', 'review-1')).json()) as { shares: unknown[] }
      expect(listed.shares).toEqual([share])

      clock = share.expiresAt
      expect(await code(await call('GET', '/v1/sessions/s_alpha', token))).toEqual([401, 'share_expired'])
      expect(((await (await call('GET', '/v1/sessions/s_alpha/shares', 'review-1')).json()) as { shares: unknown[] }).shares).toEqual([])

      const second = (await (await call('POST', '/v1/sessions/s_alpha/shares', 'admin-1', {})).json()) as ShareCreated
      expect(second.share.expiresAt - second.share.createdAt).toBe(7 * 24 * HOUR)
      expect((await call('GET', '/v1/sessions/s_alpha/events', second.token)).status).toBe(200)
      expect((await call('DELETE', `/v1/sessions/s_alpha/shares/${second.share.id}`, 'review-1')).status).toBe(200)
      expect(await code(await call('GET', '/v1/sessions/s_alpha/events', second.token))).toEqual([401, 'unauthorized'])
      expect(await code(await call('DELETE', `/v1/sessions/s_alpha/shares/${second.share.id}`, 'review-1'))).toEqual([404, 'share_not_found'])
      for (const body of [{ expiresInMs: 59_999 }, { expiresInMs: 91 * 24 * HOUR }, { expiresInMs: '1h' }, { ttl: 1 }]) {
        expect([body, ...(await code(await call('POST', '/v1/sessions/s_alpha/shares', 'review-1', body)))]).toEqual([body, 400, 'invalid_body'])
      }
      expect(await code(await call('POST', '/v1/sessions/s_none/shares', 'review-1', {}))).toEqual([404, 'session_not_found'])
    })

    it('lets a review key read, annotate and share, but not ingest, erase or hold', async () => {
      await seed()
      expect(await (await call('GET', '/v1/access', 'review-1')).json()).toEqual({ kind: 'review' })
      expect((await call('GET', '/v1/sessions/s_alpha/events', 'review-1')).status).toBe(200)
      expect(await code(await call('POST', '/v1/batches', 'review-1'))).toEqual([403, 'forbidden'])
      expect(await code(await call('PUT', '/v1/sessions/s_alpha/blobs/b/0', 'review-1'))).toEqual([403, 'forbidden'])
      expect(await code(await call('DELETE', '/v1/sessions/s_alpha', 'review-1'))).toEqual([403, 'forbidden'])
      expect(await code(await call('DELETE', '/v1/users/u_a', 'review-1'))).toEqual([403, 'forbidden'])
      expect(await code(await call('PUT', '/v1/sessions/s_alpha/hold', 'review-1'))).toEqual([403, 'forbidden'])
      expect(await code(await call('POST', '/v1/sessions/s_alpha/annotations', 'read-1', { kind: 'flag', author: 'x' }))).toEqual([403, 'forbidden'])
      expect(await code(await call('POST', '/v1/sessions/s_alpha/shares', 'read-1', {}))).toEqual([403, 'forbidden'])
      expect(await ids('')).toHaveLength(3)
    })

    it('exports every matching session as JSON lines and as a zip with review annotations', async () => {
      await seed()
      await annotate('s_beta', { kind: 'flag', text: 'bad' })
      await call('PUT', '/v1/sessions/s_beta/blobs/b1/0', 'in-1')
      const jsonl = await call('GET', '/v1/export?tag=beta', 'read-1')
      expect([jsonl.status, jsonl.headers.get('content-type')]).toEqual([200, 'application/x-ndjson; charset=utf-8'])
      const lines = (await jsonl.text()).trim().split('\n').map((line) => JSON.parse(line) as WireEvent)
      expect(lines).toEqual([...STUDIO_SESSIONS.beta, ...STUDIO_SESSIONS.alpha])

      const zipped = await call('GET', '/v1/export?format=zip&q=lisbon', 'read-1')
      expect(zipped.headers.get('content-disposition')).toBe('attachment; filename="tapedeck-export.zip"')
      const files = unzipSync(new Uint8Array(await zipped.arrayBuffer()))
      expect(Object.keys(files).sort()).toEqual([
        's_beta/blobs/b1/0',
        's_beta/events.jsonl',
        's_beta/metadata.json',
        's_beta/review-annotations.json',
        's_gamma/events.jsonl',
        's_gamma/metadata.json',
        's_gamma/review-annotations.json',
      ])
      expect(strFromU8(files['s_gamma/events.jsonl']!)).toBe(ndjson(STUDIO_SESSIONS.gamma))
      expect((JSON.parse(strFromU8(files['s_beta/review-annotations.json']!)) as ReviewAnnotation[]).map((a) => a.kind)).toEqual(['flag'])
      expect((await (await call('GET', '/v1/export?userId=nobody', 'read-1')).text())).toBe('')
    })
  })
}
