import { afterEach, expect, test, vi } from 'vitest'
import type { Credentials } from '../auth/credentials'
import { overviewQuery } from '../pages/overviewQuery'
import { parseRoute } from '../routing/useRoute'
import { startOverviewStats } from './startOverviewStats'
import { createStudioClient } from './studioClient'

afterEach(() => vi.unstubAllGlobals())

const KEY: Credentials = { kind: 'key', token: 'k', access: 'read', author: 'a' }
/** A tab signed in with `auth`, and a fetch that answers a stats body and records each URL. */
function tab(auth: Credentials | null) {
  const stored = new Map<string, string>(auth ? [['tapedeck-studio:credentials', JSON.stringify(auth)]] : [])
  vi.stubGlobal('sessionStorage', { getItem: (name: string) => stored.get(name) ?? null })
  const urls: string[] = []
  vi.stubGlobal('fetch', async (url: string) => {
    urls.push(url)
    return new Response(JSON.stringify({ results: [{ groupBy: 'day', groups: [], answer: urls.length }] }))
  })
  return urls
}

test("opened at the Overview, the stats request starts before the page's code and the page's query takes its answer", async () => {
  const urls = tab(KEY)
  const hash = '#/overview?range=custom&from=2026-11-01&to=2026-11-30&model=gpt-x&hasErrors=true'
  startOverviewStats(hash, 'http://x')
  expect(urls).toHaveLength(1)
  expect(urls[0]).toMatch(/^http:\/\/x\/v1\/stats\?groupBy=day%2Cmodel%2CuserId%2Cfeature&from=\d+&to=\d+&model=gpt-x&hasErrors=true$/)
  // What OverviewPage asks, through the client it reads with: no second request.
  const answer = await createStudioClient(KEY, 'http://x').stats(overviewQuery(parseRoute(hash).params).stats)
  expect(urls).toHaveLength(1)
  expect(answer).toEqual([{ groupBy: 'day', groups: [], answer: 1 }])
})

test('nothing starts on another page, before sign-in or with a share link', () => {
  const cases: Array<[Credentials | null, string]> = [
    [KEY, '#/sessions?q=x'],
    [null, '#/overview'],
    [{ kind: 'share', token: 't', sessionId: 's_1' }, '#/'],
  ]
  for (const [auth, hash] of cases) {
    const urls = tab(auth)
    startOverviewStats(hash, 'http://x')
    expect(urls, hash).toEqual([])
  }
  const urls = tab(KEY)
  startOverviewStats('#/', 'http://x')
  expect(urls).toHaveLength(1)
})
