import { describe, expect, it } from 'vitest'
import type { StatsManyResponse, StatsResponse } from '@tapedeck/core'
import { event } from './events.js'
import { completed, DAY0, HOUR, session } from './studioSessions.js'
import type { OpenedStore } from './OpenedStore.js'
import { studioHarness } from './studioHarness.js'

/**
 * The Studio API's statistics over a store (docs/server.md, "GET /v1/stats"): groupings,
 * percentiles, check pass rates, and figures kept in step with ingest, erasure and holds.
 */
export function describeStudioStatsContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Studio API: ${name}`, () => {
    const h = studioHarness(open)
    const { annotate, call, code, ingest, seed } = h

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
  })
}
