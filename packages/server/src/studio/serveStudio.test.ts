import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
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
  const handler = withStudio(api, { dir })
  for (const path of ['/assets/..%2F..%2Fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/..%5C..%5Csecret.txt']) {
    // Either refused (404) or, once the URL parser resolved the dots, not a Studio path at all.
    const answer = await handler(new Request(`http://x${path}`))
    expect(await answer.text(), path).not.toBe('no')
    expect([404, 200], path).toContain(answer.status)
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
