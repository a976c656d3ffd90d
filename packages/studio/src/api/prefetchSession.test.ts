import { afterEach, expect, test, vi } from 'vitest'
import { prefetchedFetch } from './prefetched'
import { prefetchSession } from './prefetchSession'

afterEach(() => vi.unstubAllGlobals())

test('a prefetched GET answers the first request for its URL, once; a POST to the same URL goes to the network', async () => {
  const calls: Array<[string, string]> = []
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    calls.push([init?.method ?? 'GET', url])
    return new Response(`${init?.method ?? 'GET'} #${calls.length}`)
  })
  prefetchSession('s_1', { kind: 'key', token: 'k', access: 'review', author: 'a' }, 'http://x')
  expect(calls.map(([, url]) => url)).toEqual(['http://x/v1/sessions/s_1', 'http://x/v1/sessions/s_1/events?fromSeq=0&limit=1000', 'http://x/v1/sessions/s_1/annotations'])
  const annotations = 'http://x/v1/sessions/s_1/annotations'
  const posted = await prefetchedFetch(annotations, { method: 'POST', body: '{}' })
  expect(await posted.text()).toBe('POST #4')
  expect(await (await prefetchedFetch(annotations)).text()).toBe('GET #3')
  expect(await (await prefetchedFetch(annotations)).text()).toBe('GET #5')
})

test('the prefetch sends the key as a Bearer header, as the read client does, and no header without one', async () => {
  const sent: Array<string | null> = []
  vi.stubGlobal('fetch', async (_url: string, init?: RequestInit) => {
    sent.push(new Headers(init?.headers).get('Authorization'))
    return new Response('{}')
  })
  prefetchSession('s_2', { kind: 'share', token: 'tok.en', sessionId: 's_2' }, 'http://x')
  prefetchSession('s_3', { kind: 'key', token: '', access: 'open', author: 'a' }, 'http://x')
  expect(sent).toEqual(['Bearer tok.en', 'Bearer tok.en', 'Bearer tok.en', null, null, null])
})
