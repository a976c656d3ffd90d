import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createHandler } from '../http/createHandler.js'
import { serve } from '../node/serve.js'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { rawErrorCode, rawRequest } from '../testing/rawRequest.js'
import { withStudio } from './serveStudio.js'

let dir: string
const api = async (request: Request) => new Response(`api ${new URL(request.url).pathname}`, { status: 200 })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tapedeck-studio-'))
  await mkdir(join(dir, 'assets'))
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Studio</title>')
  await writeFile(join(dir, 'assets', 'app-1.js'), 'console.log(1)')
  await writeFile(join(dir, '..', 'secret.txt'), 'no')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
  await rm(join(dir, '..', 'secret.txt'), { force: true })
})

test('/ is the Studio page, with its security policy; assets are cached for good', async () => {
  const handler = withStudio(api, { dir })
  const page = await handler(new Request('http://x/'))
  expect(page.status).toBe(200)
  expect(page.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
  expect(page.headers.get('Content-Security-Policy')).toContain("script-src 'self'")
  expect(page.headers.get('Cache-Control')).toBe('no-cache')
  expect(await page.text()).toContain('<title>Studio</title>')
  const asset = await handler(new Request('http://x/assets/app-1.js'))
  expect(asset.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8')
  expect(asset.headers.get('Cache-Control')).toContain('immutable')
  expect((await handler(new Request('http://x/assets/nope.js'))).status).toBe(404)
})

test('the API and everything else go to the handler', async () => {
  const handler = withStudio(api, { dir })
  expect(await (await handler(new Request('http://x/v1/sessions'))).text()).toBe('api /v1/sessions')
  expect(await (await handler(new Request('http://x/healthz'))).text()).toBe('api /healthz')
  expect(await (await handler(new Request('http://x/', { method: 'POST' }))).text()).toBe('api /')
})

test('no file outside the Studio folder can be read', async () => {
  const handler = withStudio(createHandler({ store: createMemoryStore(), log: false }), { dir })
  for (const path of ['/assets/..%2F..%2Fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/..%5C..%5Csecret.txt']) {
    // Refused as the API refuses such a path (an encoded slash or backslash), or, once the URL parser resolved the dots, not a Studio file.
    const answer = await handler(new Request(`http://x${path}`))
    expect(await answer.text(), path).not.toBe('no')
    expect([400, 404], path).toContain(answer.status)
  }
})

test('behind the Node adapter, a raw path it refuses is 400 invalid_path, as the handler answers it: never the Studio page', async () => {
  const server = await serve({ handler: withStudio(createHandler({ store: createMemoryStore(), log: false }), { dir }), port: 0 })
  try {
    expect((await rawRequest(server.url, '/')).status).toBe(200)
    for (const path of ['/studio/../x', '/x/..', '/%2e%2e/', '/assets/../index.html', '/assets/%2e%2e/index.html', '/assets/app-1.js/..', '/v1/../', '/assets\\app-1.js']) {
      const answer = await rawRequest(server.url, path)
      expect([path, answer.status, rawErrorCode(answer)]).toEqual([path, 400, 'invalid_path'])
    }
    // The same paths as a Fetch Request can carry them (encoded dots and slashes): the same answer.
    for (const path of ['/assets/%2e%2e%2Findex.html', '/assets%2Fapp-1.js']) {
      const viaNode = await rawRequest(server.url, path)
      const viaFetch = await withStudio(createHandler({ store: createMemoryStore(), log: false }), { dir })(new Request(`http://x${path}`))
      expect([path, viaNode.status, rawErrorCode(viaNode)]).toEqual([path, viaFetch.status, (await viaFetch.json()).error.code])
      expect(viaNode.status).toBe(400)
    }
  } finally {
    await server.close()
  }
})

test('under a base path; and a missing build says how to make it', async () => {
  const handler = withStudio(api, { dir, basePath: '/tapedeck/' })
  expect((await handler(new Request('http://x/tapedeck/'))).status).toBe(200)
  expect(await (await handler(new Request('http://x/tapedeck/v1/sessions'))).text()).toBe('api /tapedeck/v1/sessions')
  const missing = await withStudio(api, { dir: join(dir, 'none') })(new Request('http://x/'))
  expect(missing.status).toBe(503)
  expect(await missing.text()).toContain('npm run build -w @tapedeck/studio')
})
