import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { gzip, ndjson, recordSession } from '../testing/events.js'
import { hostileStores, serverPerTest } from '../testing/hostileStores.js'
import { errorCode, postBatch, type TestServer } from '../testing/startServer.js'

/** The bytes as a stream of 256 KiB pieces, 2 ms apart: still sending when the answer comes. */
function paced(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0
  return new ReadableStream({
    async pull(controller) {
      if (offset >= bytes.length) return controller.close()
      controller.enqueue(bytes.subarray(offset, (offset += 256 * 1024)))
      await new Promise((resolve) => setTimeout(resolve, 2))
    },
  })
}

/** Sends the head of a request and part of its body, then closes the connection. */
function sendPartly(url: string, head: string, part: Uint8Array): Promise<void> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(head)
      socket.write(part, () => setTimeout(() => socket.destroy(), 20))
    })
    socket.on('error', () => undefined)
    socket.on('close', () => resolve())
  })
}

for (const { name, open } of hostileStores()) {
  describe(`hostile bodies (${name} store)`, () => {
    let server: TestServer
    const serve = serverPerTest(open)

    async function start() {
      server = await serve()
    }

    it('answers an 8 MiB body with a 413 that Node fetch reads, declared or still arriving, and keeps serving', async () => {
      await start()
      const { events } = recordSession('s_1', 3)
      const large = new Uint8Array(8 * 1024 * 1024).fill(7)
      const declared = await postBatch(server.url, events, { body: large })
      expect([declared.status, await errorCode(declared)]).toEqual([413, 'body_too_large'])
      const streamed = await fetch(`${server.url}/v1/batches`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Idempotency-Key': 'k', 'Tapedeck-Session': 's_1', 'Tapedeck-Seq': '0-2' },
        body: paced(large),
        duplex: 'half',
      } as RequestInit)
      expect([streamed.status, await errorCode(streamed)]).toEqual([413, 'body_too_large'])
      expect((await postBatch(server.url, events)).status).toBe(201)
    })

    it('logs a body cut short by the client as 408 body_incomplete, not as a server failure, and keeps serving', async () => {
      await start()
      const batch = gzip(ndjson(recordSession('s_cut', 2000).events))
      const heads = [
        `POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Encoding: gzip\r\nIdempotency-Key: k\r\nTapedeck-Session: s_cut\r\nTapedeck-Seq: 0-1999\r\nContent-Length: ${batch.length}\r\n\r\n`,
        'PUT /v1/sessions/s_cut/blobs/b_1/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n',
        'POST /v1/sessions/s_cut/annotations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
        'PUT /v1/sessions/s_cut/hold HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n',
      ]
      for (const head of heads) await sendPartly(server.url, head, batch.subarray(0, 500))
      await expect.poll(() => server.logs.filter((line) => line.includes('body_incomplete')).length).toBe(heads.length)
      expect(server.logs.filter((line) => line.startsWith('ERROR'))).toEqual([])
      expect(server.logs.filter((line) => line.includes('body_incomplete')).map((line) => line.split(' ')[3])).toEqual(['408', '408', '408', '408'])
      expect(await server.store.getSession('s_cut')).toBeNull()
      expect((await postBatch(server.url, recordSession('s_1', 3).events)).status).toBe(201)
    })
  })
}
