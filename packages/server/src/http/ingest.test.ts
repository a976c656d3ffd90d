import { request as httpRequest } from 'node:http'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WireEvent } from '../store/SessionStore.js'
import { concat, event, gzip, ndjson, recordSession } from '../testing/events.js'
import { errorCode, postBatch, startServer, type TestServer } from '../testing/startServer.js'

async function readEvents(server: TestServer, sessionId: string): Promise<WireEvent[]> {
  const events: WireEvent[] = []
  for await (const e of server.store.readEvents(sessionId)) events.push(e)
  return events
}

describe('POST /v1/batches', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startServer()
  })
  afterEach(async () => {
    await server.close()
  })

  it('stores a batch with 201 and answers its repeat with 200, storing it once', async () => {
    const { events } = recordSession('s_1', 10)
    const first = await postBatch(server.url, events, { key: 'batch-1' })
    expect(first.status).toBe(201)
    expect(await first.json()).toEqual({ status: 'stored', stored: 10, skipped: [] })
    const repeat = await postBatch(server.url, events, { key: 'batch-1' })
    expect(repeat.status).toBe(200)
    expect(await repeat.json()).toEqual({ status: 'duplicate', stored: 0, skipped: [] })
    expect(await readEvents(server, 's_1')).toEqual(events)
  })

  it('reads a body of several gzip members, split mid-line', async () => {
    const { events } = recordSession('s_1', 20)
    const text = ndjson(events)
    const cuts = [0, 17, 900, 901, 2500, text.length]
    const members = cuts.slice(1).map((end, i) => new Uint8Array(gzipSync(text.slice(cuts[i], end))))
    const response = await postBatch(server.url, events, { body: concat(...members) })
    expect(response.status).toBe(201)
    expect(await readEvents(server, 's_1')).toEqual(events)
  })

  it('takes a body without Content-Encoding', async () => {
    const { events } = recordSession('s_1', 3)
    const response = await postBatch(server.url, events, { headers: { 'Content-Encoding': 'identity' }, body: ndjson(events) })
    expect(response.status).toBe(201)
    expect(await readEvents(server, 's_1')).toEqual(events)
  })

  it('orders batches sent out of order and reports the overlap of a later key', async () => {
    const { events, batches } = recordSession('s_1', 30)
    expect((await postBatch(server.url, batches[2]!)).status).toBe(201)
    expect((await postBatch(server.url, batches[0]!)).status).toBe(201)
    const overlap = await postBatch(server.url, [...batches[0]!.slice(5), ...batches[1]!], { key: 'other' })
    expect(overlap.status).toBe(201)
    expect(await overlap.json()).toEqual({ status: 'stored', stored: 10, skipped: [{ from: 5, to: 9 }] })
    expect(await readEvents(server, 's_1')).toEqual(events)
    expect(server.logs.at(-1)).toMatch(/ 201 .*stored=10 skipped=5-9/)
  })

  it('refuses a malformed request with 400 and a stable code', async () => {
    const events = [event('s_1', 0)]
    const cases: Array<[string, Parameters<typeof postBatch>[2]]> = [
      ['invalid_session_header', { sessionId: '../s_1' }],
      ['invalid_session_header', { sessionId: 'x'.repeat(129) }],
      ['invalid_seq_header', { seq: '5-2' }],
      ['invalid_seq_header', { seq: '0' }],
      ['invalid_seq_header', { seq: '-1-3' }],
      ['invalid_seq_header', { seq: '0-99999999999999999' }],
      ['invalid_idempotency_key', { key: '' }],
      ['invalid_idempotency_key', { key: 'k'.repeat(257) }],
      ['invalid_gzip', { body: 'plain text that says it is gzip' }],
      ['invalid_gzip', { body: gzip(ndjson(events)).subarray(0, 30) }],
    ]
    for (const [code, request] of cases) {
      const response = await postBatch(server.url, events, request)
      expect([response.status, await errorCode(response)], JSON.stringify(request).slice(0, 80)).toEqual([400, code])
    }
    expect(await server.store.getSession('s_1')).toBeNull()
  })

  it('refuses other media types and encodings with 415', async () => {
    const events = [event('s_1', 0)]
    const json = await postBatch(server.url, events, { headers: { 'Content-Type': 'application/json' } })
    expect([json.status, await errorCode(json)]).toEqual([415, 'unsupported_media_type'])
    const brotli = await postBatch(server.url, events, { headers: { 'Content-Encoding': 'br' } })
    expect([brotli.status, await errorCode(brotli)]).toEqual([415, 'unsupported_encoding'])
  })

  it('refuses events that do not fit the headers with 422, storing none of the batch', async () => {
    const good = event('s_1', 0)
    const cases: Array<[string, unknown[]]> = [
      ['session_mismatch', [good, event('s_2', 1)]],
      ['seq_out_of_range', [good, event('s_1', 5)]],
      ['seq_out_of_order', [good, good]],
      ['invalid_event', [good, { ...event('s_1', 1), type: 7 }]],
      ['invalid_event', [good, [1, 2, 3]]],
      ['empty_batch', []],
    ]
    for (const [code, lines] of cases) {
      const body = gzip(lines.map((line) => `${JSON.stringify(line)}\n`).join(''))
      const response = await postBatch(server.url, [good], { seq: '0-1', body })
      expect([response.status, await errorCode(response)]).toEqual([422, code])
    }
    const broken = await postBatch(server.url, [good], { body: gzip(`${JSON.stringify(good)}\n{"seq":1,\n`) })
    expect([broken.status, await errorCode(broken)]).toEqual([422, 'invalid_json'])
    expect(await server.store.getSession('s_1')).toBeNull()
  })

  it('refuses a line longer than 1 MiB with 422', async () => {
    const long = event('s_1', 0, 'message.created', { content: 'x'.repeat(1024 * 1024) })
    const response = await postBatch(server.url, [long])
    expect([response.status, await errorCode(response)]).toEqual([422, 'line_too_long'])
  })

  it('refuses a gzip bomb with 413 and stays up', async () => {
    // 128 MiB of newlines: blank lines are skipped, so only the inflated size can stop it.
    const member = new Uint8Array(gzipSync(new Uint8Array(16 * 1024 * 1024).fill(0x0a), { level: 9 }))
    const body = concat(...Array.from({ length: 8 }, () => member))
    const started = performance.now()
    const response = await postBatch(server.url, [event('s_1', 0)], { body })
    console.info(`gzip bomb over HTTP: ${body.length} bytes sent, refused in ${(performance.now() - started).toFixed(0)} ms`)
    expect([response.status, await errorCode(response)]).toEqual([413, 'decompressed_too_large'])
    expect((await postBatch(server.url, [event('s_1', 0)])).status).toBe(201)
  })
})

describe('POST /v1/batches: body size', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startServer({ limits: { maxBodyBytes: 64 * 1024 } })
  })
  afterEach(async () => {
    await server.close()
  })

  it('refuses a body whose Content-Length is over the limit with 413, without reading it', async () => {
    const body = new Uint8Array(10 * 1024 * 1024)
    const response = await postBatch(server.url, [event('s_1', 0)], { body })
    expect([response.status, await errorCode(response)]).toEqual([413, 'body_too_large'])
    expect((await postBatch(server.url, [event('s_1', 0)])).status).toBe(201)
  })

  it('answers 413 from Content-Length before the body has arrived', async () => {
    // Only 1 KiB of the announced 10 MiB is ever sent: a server that waited for the body would hang here.
    const { status, code } = await new Promise<{ status: number; code: string }>((resolve, reject) => {
      const req = httpRequest(`${server.url}/v1/batches`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Content-Length': String(10 * 1024 * 1024),
          'Idempotency-Key': 'k', 'Tapedeck-Session': 's_1', 'Tapedeck-Seq': '0-0',
        },
      }, (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => {
          req.destroy()
          resolve({ status: res.statusCode ?? 0, code: JSON.parse(body).error.code })
        })
      })
      req.on('error', reject)
      req.write(new Uint8Array(1024))
    })
    expect([status, code]).toEqual([413, 'body_too_large'])
  })

  it('counts a streamed body while reading it and refuses it with 413 before the end', async () => {
    // A body without Content-Length that would go on for 1 GiB: only counting can stop it.
    const limit = 1024 * 1024 * 1024
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 64 * 1024
        if (sent > limit) controller.close()
        else controller.enqueue(new Uint8Array(64 * 1024))
      },
    })
    const response = await fetch(`${server.url}/v1/batches`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Idempotency-Key': 'k', 'Tapedeck-Session': 's_1', 'Tapedeck-Seq': '0-0' },
      body,
      duplex: 'half',
    } as RequestInit)
    expect([response.status, await errorCode(response)]).toEqual([413, 'body_too_large'])
    expect(sent).toBeLessThan(64 * 1024 * 1024)
  })
})

describe('PUT /v1/sessions/{id}/blobs/{blobId}/{part}', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startServer({ limits: { maxBodyBytes: 1024 } })
  })
  afterEach(async () => {
    await server.close()
  })

  const put = (path: string, body: BodyInit, headers: Record<string, string> = { 'Content-Type': 'audio/webm;codecs=opus' }) =>
    fetch(`${server.url}/v1/sessions/${path}`, { method: 'PUT', headers, body })

  it('stores the bytes with their content type, once per URL', async () => {
    const bytes = new Uint8Array([26, 69, 223, 163, 0, 255])
    expect((await put('s_1/blobs/b_1/0', bytes)).status).toBe(201)
    const repeat = await put('s_1/blobs/b_1/0', new Uint8Array([1]))
    expect([repeat.status, await repeat.json()]).toEqual([200, { status: 'duplicate', bytes: 1 }])
    const read = await fetch(`${server.url}/v1/sessions/s_1/blobs/b_1/0`)
    expect(read.headers.get('content-type')).toBe('audio/webm;codecs=opus')
    expect(read.headers.get('x-content-type-options')).toBe('nosniff')
    expect(new Uint8Array(await read.arrayBuffer())).toEqual(bytes)
  })

  it('refuses a part over the size limit, an encoded part, and ids that try to leave the folder', async () => {
    const large = await put('s_1/blobs/b_1/0', new Uint8Array(2048))
    expect([large.status, await errorCode(large)]).toEqual([413, 'body_too_large'])
    const encoded = await put('s_1/blobs/b_1/0', gzip('x'), { 'Content-Encoding': 'gzip' })
    expect([encoded.status, await errorCode(encoded)]).toEqual([415, 'unsupported_encoding'])
    for (const path of ['s_1/blobs/..%2F..%2Fetc/0', 's_1/blobs/b%2F1/0']) {
      const response = await put(path, new Uint8Array([1]))
      expect([path, response.status, await errorCode(response)]).toEqual([path, 400, 'invalid_path'])
    }
    for (const path of ['s_1/blobs/b_1/%00', 's_1/blobs/b.1/0', `${'s'.repeat(129)}/blobs/b/0`, 's_1/blobs/b_%C3%A9/0']) {
      const response = await put(path, new Uint8Array([1]))
      expect([path, response.status, await errorCode(response)]).toEqual([path, 400, 'invalid_id'])
    }
    expect(await server.store.listBlobs('s_1')).toEqual([])
  })
})
