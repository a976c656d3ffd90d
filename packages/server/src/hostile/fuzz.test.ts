import { request as httpRequest } from 'node:http'
import { describe, expect, it } from 'vitest'
import { seeded } from '../../../core/test/seeded.mjs'
import { gzip, ndjson } from '../testing/events.js'
import { authRequests, bodyRequests, eventRequests, headerRequests, methodRequests, queryRequests, type FuzzRequest } from '../testing/fuzzRequests.js'
import { hostileStores } from '../testing/hostileStores.js'
import { KEYS, STUDIO_SESSIONS } from '../testing/studioSessions.js'
import { startServer } from '../testing/startServer.js'

const SEED = 20_261_206
const ADMIN = { Authorization: 'Bearer admin-1' }
const INGEST = { Authorization: 'Bearer in-1' }

/** Sends a request exactly as generated (fetch would normalise its path), with Content-Length; the status and body. */
function send(url: string, { method, path, headers = {}, body }: FuzzRequest): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }
    const request = httpRequest(`${url}/`, { method, path, headers: { ...headers, ...length } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

for (const { name, open } of hostileStores()) {
  describe(`seeded fuzz of every route (${name} store)`, () => {
    it('answers every malformed request with a 4xx and an error code, never a 5xx, and serves after', async () => {
      const opened = await open()
      const server = await startServer({ ...(opened.store && { store: opened.store }), ...KEYS })
      try {
        for (const events of Object.values(STUDIO_SESSIONS)) {
          const first = events[0]!
          const headers = { ...INGEST, 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Idempotency-Key': `k_${first.sessionId}`, 'Tapedeck-Session': first.sessionId, 'Tapedeck-Seq': `0-${events.length - 1}` }
          expect((await send(server.url, { method: 'POST', path: '/v1/batches', headers, body: gzip(ndjson(events)) })).status).toBe(201)
        }
        const json = { ...ADMIN, 'Content-Type': 'application/json' }
        const annotation = await send(server.url, { method: 'POST', path: '/v1/sessions/s_alpha/annotations', headers: json, body: '{"kind":"comment","text":"hi","author":"A"}' })
        const share = await send(server.url, { method: 'POST', path: '/v1/sessions/s_alpha/shares', headers: json, body: '{}' })
        const annotationId = (JSON.parse(annotation.text) as { annotation: { id: string } }).annotation.id
        const { share: { id: shareId }, token } = JSON.parse(share.text) as { share: { id: string }; token: string }

        const random = seeded(SEED)
        const groups: Array<[FuzzRequest[], Record<string, string>]> = [
          [eventRequests(random, 12), INGEST],
          [queryRequests(random, 300), ADMIN],
          [bodyRequests(random, 120, { annotationId, shareId }), ADMIN],
          [headerRequests(random, 60), INGEST],
          [authRequests(token), {}],
          [methodRequests(), ADMIN],
        ]
        const wrong: string[] = []
        for (const [requests, headers] of groups) {
          for (const request of requests) {
            // Reads of the fuzzed sessions go with the admin key; their batches with the ingest key.
            const key = request.method === 'GET' ? ADMIN : headers
            const { status, text } = await send(server.url, { ...request, headers: { ...key, ...request.headers } })
            // 431: Node refuses a request line past its header limit before the handler sees it.
            const coded = request.method === 'HEAD' || status === 431 || /"code":"[a-z_]+"/.test(text)
            if (status >= 500 || (status >= 400 && !coded)) wrong.push(`${request.method} ${request.path.slice(0, 120)} → ${status} ${text.slice(0, 80)}`)
          }
        }
        expect(wrong).toEqual([])
        expect(server.logs.filter((line) => line.startsWith('ERROR'))).toEqual([])
        expect((await send(server.url, { method: 'GET', path: '/healthz' })).status).toBe(200)
      } finally {
        await server.close()
        await opened.dispose()
      }
    }, 30_000)
  })
}
