import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createHandler } from '../http/createHandler.js'
import { serve } from '../node/serve.js'
import { withStudio } from '../studio/serveStudio.js'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { hostileStores, serverPerTest } from '../testing/hostileStores.js'
import { rawErrorCode, rawRequest } from '../testing/rawRequest.js'
import { postBatch, type TestServer } from '../testing/startServer.js'
import { recordSession } from '../testing/events.js'

/**
 * Paths that mean two things: a proxy matching the raw path sees one session, a URL parser
 * another. Each is refused with 400 invalid_path before any store is touched.
 */
const TWO_MEANINGS = [
  '/v1/sessions/s_other\\..\\s_victim/events',
  '/v1/sessions/s_other\\..\\s_victim',
  '/v1/sessions/s_other/..\\s_victim/hold',
  '/v1/sessions\\s_victim',
  '/v1/sessions/s_other/../s_victim/events',
  '/v1/sessions/s_other/%2e%2e/s_victim/events',
  '/v1/sessions/s_other/.%2E/s_victim',
  '/v1/sessions/s_other/%2E./s_victim/export',
  '/v1/sessions/./s_victim',
  '/v1/sessions/s_victim/events/.',
  '/v1/sessions/s_victim/blobs/b_1/..%2fp_1',
  '/v1/sessions/s_victim/blobs/b_1%2Fp_1/x',
  '/v1/sessions/s_victim%5Cx',
  '/v1/sessions/s_victim%5c',
  '/v1/sessions/s_other%2F..%2Fs_victim',
  '/v1/sessions/s_other%252F..%252Fs_victim',
  '/v1/sessions/s_victim%252e',
  '/v1/sessions/s_victim%2e',
  '/v1/users/u_1%2F..%2Fu_2',
  '/v1/users/u_1%5C',
  '/v1/users/%2E%2E',
  '/v1/batches/.',
  '/v1/sessions/s_victim#/events',
  '/v1/sessions/s_{victim}',
  'http://evil.example/v1/sessions/s_victim',
]

for (const { name, open } of hostileStores()) {
  describe(`hostile paths (${name} store)`, () => {
    let server: TestServer
    const serve = serverPerTest(open)

    async function start() {
      server = await serve()
      const { events } = recordSession('s_victim', 5)
      expect((await postBatch(server.url, events)).status).toBe(201)
    }

    it('refuses every path that means two things, with every method, and erases nothing', async () => {
      await start()
      for (const path of TWO_MEANINGS) {
        for (const method of ['GET', 'DELETE', 'PUT', 'POST']) {
          const answer = await rawRequest(server.url, path, { method, ...(method === 'PUT' && { body: 'x' }) })
          expect([path, method, answer.status, rawErrorCode(answer)]).toEqual([path, method, 400, 'invalid_path'])
        }
      }
      expect((await server.store.getSession('s_victim'))?.stats.events).toBe(5)
      expect((await fetch(`${server.url}/v1/sessions/s_victim`)).status).toBe(200)
    })
  })
}

describe('hostile paths (Fetch handler, no adapter)', () => {
  it('refuses encoded slashes, backslashes and dots that a URL parser leaves in the path', async () => {
    const handler = createHandler({ store: createMemoryStore(), log: false })
    for (const path of ['/v1/sessions/a%2Fb', '/v1/sessions/a%5cb', '/v1/sessions/%2e%2e%2fs_1', '/v1/sessions/s_1%252e', '/v1/users/a%2F..%2Fb']) {
      const response = await handler(new Request(`http://tapedeck.test${path}`))
      expect([path, response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([path, 400, 'invalid_path'])
    }
  })
})

describe('hostile paths (Studio files, served)', () => {
  it('answers a file path that is no percent-encoding, or leaves the build, with a coded 4xx, and keeps serving', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapedeck-studio-hostile-'))
    await mkdir(join(dir, 'assets'))
    await writeFile(join(dir, 'index.html'), '<!doctype html>')
    await writeFile(join(dir, 'assets', 'app.js'), 'x')
    const server = await serve({ handler: withStudio(createHandler({ store: createMemoryStore(), log: false }), { dir }), port: 0 })
    try {
      // Not percent-encoding, or a path the handler refuses (an encoded slash), as the API answers it.
      for (const path of ['/assets/%', '/assets/%zz.js', '/assets/%E0%A4%A', '/assets/%C0%80', '/assets/app.js%ED%A0%80', '/assets/..%2f..%2fetc%2fpasswd']) {
        const answer = await rawRequest(server.url, path)
        expect([path, answer.status, rawErrorCode(answer)]).toEqual([path, 400, 'invalid_path'])
      }
      for (const path of ['/assets/%00.js', '/assets/nope.js', `/assets/${'a'.repeat(5000)}.js`]) {
        const answer = await rawRequest(server.url, path)
        expect([path, answer.status, rawErrorCode(answer)]).toEqual([path, 404, 'not_found'])
      }
      expect((await rawRequest(server.url, '/assets/app.js')).body).toBe('x')
    } finally {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
