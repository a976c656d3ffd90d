import { describe, expect, it } from 'vitest'
import { recordSession } from '../testing/events.js'
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
  })
}
