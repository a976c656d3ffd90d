import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { TIME_BOUND } from '../timeBound.js'
import { recordSession } from '../testing/events.js'
import { hostileStores } from '../testing/hostileStores.js'
import { errorCode, postBatch, startServer, type TestServer } from '../testing/startServer.js'

/** Query strings no store can take as they are: each is a 400 invalid_query on every store, never a 500. */
const REFUSED = [
  '/v1/sessions?userId=%00',
  '/v1/sessions?userId=a%00b',
  '/v1/sessions?feature=%00',
  '/v1/sessions?feature=%1B%5B31m',
  `/v1/sessions?userId=${'u'.repeat(1025)}`,
  '/v1/sessions?userId=a&userId=b',
  '/v1/sessions?from=99999999999999999999',
  '/v1/sessions?to=-99999999999999999999',
  '/v1/sessions?from=9223372036854775808',
  '/v1/sessions?from=1e400',
  '/v1/sessions?to=NaN',
  '/v1/sessions?from=%2B275760-09-14T00:00:00.001Z',
  '/v1/sessions?to=0x10',
  '/v1/sessions?limit=0',
  '/v1/sessions?limit=1e2',
  '/v1/sessions?limit=99999999999999999999',
  '/v1/sessions?status=ended&status=active',
  '/v1/sessions?status=%00',
  '/v1/sessions?cursor=%00',
  '/v1/sessions?cursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk6c18x',
  // A startedAt cursor (1764460800000:s_1) sent with sort=errors, and 2147483648:s_1 with sort=calls: past a count's integer.
  '/v1/sessions?sort=errors&cursor=MTc2NDQ2MDgwMDAwMDpzXzE',
  '/v1/sessions?sort=calls&order=asc&cursor=MjE0NzQ4MzY0ODpzXzE',
  '/v1/sessions/s_1/events?fromSeq=99999999999999999999',
  '/v1/sessions/s_1/events?fromSeq=-1',
  '/v1/sessions/s_1/events?fromSeq=1&fromSeq=2',
  '/v1/sessions/s_1/events?fromSeq=%00',
  '/v1/sessions/s_1/export?format=zip&format=csv',
  '/v1/sessions/s_1/export?format=%00',
  // from defaults to 30 days before to: past a Date's range when to is at its start.
  '/v1/stats?to=-8640000000000000',
  '/v1/stats/checks?to=-8640000000000000',
]

/** Odd but valid: answered 200. */
const ACCEPTED = [
  '/v1/sessions?userId=%E2%80%AE%F0%9F%98%80',
  '/v1/sessions?feature=%27%3B%20drop%20table%20tapedeck_sessions%3B--',
  '/v1/sessions?from=-8640000000000000&to=8640000000000000',
  '/v1/stats?from=8639999000000000&to=8640000000000000&groupBy=model',
  '/v1/sessions?from=1970-01-01T00:00:00Z',
  '/v1/sessions?userId=&feature=',
  '/v1/sessions/s_1/events?fromSeq=9007199254740991',
  // 2147483647:s_1 and -1:s_1: the ends of a count's integer.
  '/v1/sessions?sort=calls&cursor=MjE0NzQ4MzY0NzpzXzE',
  '/v1/sessions?sort=errors&order=asc&cursor=LTE6c18x',
]

for (const { name, open } of hostileStores()) {
  describe(`hostile query parameters (${name} store)`, () => {
    let server: TestServer
    let dispose: () => Promise<void>
    beforeAll(async () => {
      const opened = await open()
      dispose = opened.dispose
      server = await startServer({ ...(opened.store && { store: opened.store }) })
      expect((await postBatch(server.url, recordSession('s_1', 5).events)).status).toBe(201)
    })
    afterAll(async () => {
      await server.close()
      await dispose()
    })

    it('answers 400 invalid_query for every parameter a store could not take, and 200 for odd but valid ones', async () => {
      for (const path of REFUSED) {
        const response = await fetch(`${server.url}${path}`)
        expect([path, response.status, await errorCode(response)]).toEqual([path, 400, 'invalid_query'])
      }
      expect(server.logs.filter((line) => line.startsWith('ERROR'))).toEqual([])
      // …and no more than those: odd but valid values are answered.
      for (const path of ACCEPTED) {
        const response = await fetch(`${server.url}${path}`)
        expect([path, response.status]).toEqual([path, 200])
        await response.arrayBuffer()
      }
    })
  })
}

describe('the time bound', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer({ store: createMemoryStore() })
  })
  afterAll(() => server.close())

  it('is one bound, a Date\'s range, named the same way by the list and the stats', async () => {
    const messages: string[] = []
    for (const path of ['/v1/sessions?from=8640000000000001', '/v1/stats?to=-8640000000000001', '/v1/stats?to=-8640000000000000', '/v1/stats/checks?to=-8640000000000000']) {
      const response = await fetch(`${server.url}${path}`)
      const body = (await response.json()) as { error: { code: string; message: string } }
      expect([path, response.status, body.error.code]).toEqual([path, 400, 'invalid_query'])
      messages.push(body.error.message)
    }
    for (const message of messages) expect(message).toContain(`within ${TIME_BOUND}`)
  })
})
