import { afterEach, expect, test, vi } from 'vitest'
import { prefetchedFetch, prefetchSession } from './prefetchSession'

afterEach(() => vi.unstubAllGlobals())

test('a prefetched GET answers the first request for its URL, once; a POST to the same URL goes to the network', async () => {
  const calls: Array<[string, string]> = []
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    calls.push([init?.method ?? 'GET', url])
    return new Response(`${init?.method ?? 'GET'} #${calls.length}`)
  })
  prefetchSession('s_1', { kind: 'key', token: 'k', access: 'review', author: 'a' }, 'http://x')
  expect(calls.map(([, url]) => url)).toEqual(['http://x/v1/sessions/s_1', 'http://x/v1/sessions/s_1/events?fromSeq=0', 'http://x/v1/sessions/s_1/annotations'])
  const annotations = 'http://x/v1/sessions/s_1/annotations'
  const posted = await prefetchedFetch(annotations, { method: 'POST', body: '{}' })
  expect(await posted.text()).toBe('POST #4')
  expect(await (await prefetchedFetch(annotations)).text()).toBe('GET #3')
  expect(await (await prefetchedFetch(annotations)).text()).toBe('GET #5')
})
