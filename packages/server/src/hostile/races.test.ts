import { describe, expect, it } from 'vitest'
import { event } from '../testing/events.js'
import { hostileStores, serverPerTest } from '../testing/hostileStores.js'
import { postBatch } from '../testing/startServer.js'

const ROUNDS = 6
const AT_ONCE = 24

for (const { name, open } of hostileStores()) {
  describe(`hostile races (${name} store)`, () => {
    const serve = serverPerTest(open)

    it('answers batches of a session sent while it is erased, many at once, with 201, 200 or 404, never a 500', async () => {
      const server = await serve()
      const ids = ['s_r1', 's_r2']
      for (let round = 0; round < ROUNDS; round++) {
        const requests = Array.from({ length: AT_ONCE }, (_, i) => {
          const sessionId = ids[i % ids.length]!
          if (i % 4 === 3) return fetch(`${server.url}/v1/sessions/${sessionId}`, { method: 'DELETE' })
          // Overlapping seqs and calls, so the batches meet the same event, call and text rows an erasure deletes.
          const first = i % 3
          const events = [0, 1, 2].map((k) =>
            event(sessionId, first + k, first + k === 0 ? 'session.started' : 'provider.call.completed', { userId: 'u_r', callId: `c${k}`, costUsd: 0.1, content: `word ${k}` }),
          )
          return postBatch(server.url, events, { key: `k_${round}_${i}` })
        })
        const statuses = await Promise.all(requests.map(async (request) => {
          const response = await request
          await response.arrayBuffer()
          return response.status
        }))
        expect(statuses.filter((status) => ![200, 201, 404].includes(status))).toEqual([])
      }
      expect(server.logs.filter((line) => line.startsWith('ERROR'))).toEqual([])
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    }, 30_000)

    it('keeps no annotation or share link made while its session is erased: the session sent again has none', async () => {
      const server = await serve()
      const json = { 'Content-Type': 'application/json' }
      for (let round = 0; round < 12; round++) {
        expect((await postBatch(server.url, [event('s_e', 0, 'session.started')], { key: `k_${round}` })).status).toBe(201)
        const requests = Array.from({ length: 12 }, (_, i) =>
          i === 6
            ? fetch(`${server.url}/v1/sessions/s_e`, { method: 'DELETE' })
            : i % 2 === 0
              ? fetch(`${server.url}/v1/sessions/s_e/annotations`, { method: 'POST', headers: json, body: JSON.stringify({ kind: 'flag', author: 'A' }) })
              : fetch(`${server.url}/v1/sessions/s_e/shares`, { method: 'POST', headers: json, body: '{}' }),
        )
        const statuses = await Promise.all(requests.map(async (request) => {
          const response = await request
          await response.arrayBuffer()
          return response.status
        }))
        expect(statuses.filter((status) => ![200, 201, 404].includes(status))).toEqual([])
        // Whatever was made before the erasure went with it; after it, the session was not there.
        expect((await postBatch(server.url, [event('s_e', 0, 'session.started')], { key: `k_again_${round}` })).status).toBe(201)
        const annotations = await (await fetch(`${server.url}/v1/sessions/s_e/annotations`)).json()
        const shares = await (await fetch(`${server.url}/v1/sessions/s_e/shares`)).json()
        expect([round, annotations, shares]).toEqual([round, { annotations: [] }, { shares: [] }])
        expect((await fetch(`${server.url}/v1/sessions/s_e`, { method: 'DELETE' })).status).toBe(200)
      }
      expect(server.logs.filter((line) => line.startsWith('ERROR'))).toEqual([])
    }, 30_000)
  })
}
