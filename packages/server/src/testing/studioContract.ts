import { describe, expect, it } from 'vitest'
import type { WireEvent } from '../store/SessionStore.js'
import { event } from './events.js'
import { DAY0 } from './studioSessions.js'
import { describeStudioReviewContract } from './studioReviewContract.js'
import { describeStudioStatsContract } from './studioStatsContract.js'
import type { OpenedStore } from './OpenedStore.js'
import { studioHarness } from './studioHarness.js'

/**
 * The Studio API (docs/server.md, "Studio API") over a store: every route through the handler,
 * so each store is checked for what a client sees. Called by describeStoreContract. Here the
 * session list (filters, sorts, search, pages, bad queries); statistics and review work in
 * studioStatsContract and studioReviewContract.
 */
export function describeStudioContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Studio API: ${name}`, () => {
    const h = studioHarness(open)
    const { call, code, ids, page, seed } = h

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

    it("pages a session's events with limit, each line the event as stored", async () => {
      await seed()
      const lines = async (query: string) => {
        const response = await call('GET', `/v1/sessions/s_alpha/events${query}`, 'read-1')
        expect([query, response.status]).toEqual([query, 200])
        return (await response.text()).split('\n').filter((line) => line !== '')
      }
      const all = await lines('')
      const stored: string[] = []
      for await (const event of h.store.readEvents('s_alpha')) stored.push(JSON.stringify(event))
      expect([all.length > 3, all]).toEqual([true, stored])
      expect(await lines('?limit=2')).toEqual(all.slice(0, 2))
      const second = (JSON.parse(all[1]!) as WireEvent).seq
      expect(await lines(`?fromSeq=${second + 1}&limit=2`)).toEqual(all.slice(2, 4))
      expect(await lines(`?limit=${all.length + 5}`)).toEqual(all)
      for (const query of ['?limit=0', '?limit=-1', '?limit=1.5', '?limit=a', '?limit=1&limit=2', '?streams=linked&limit=5']) {
        expect([query, ...(await code(await call('GET', `/v1/sessions/s_alpha/events${query}`, 'read-1')))]).toEqual([query, 400, 'invalid_query'])
      }
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
  })
  describeStudioStatsContract(name, open)
  describeStudioReviewContract(name, open)
}
