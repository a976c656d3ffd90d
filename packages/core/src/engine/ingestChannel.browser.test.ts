import { afterEach, describe, expect, test } from 'vitest'
import { isTapedeckError, TapedeckError } from '../errors'
import { BatchBuilder } from '../events/PackedBatch'
import { closeAll, engineWorker, recorderFor, uniqueDb } from '../../test/browser'
import { bufferPool, createBufferPool } from './BufferPool'
import { ingestOver, serveIngest } from './ingestChannel'
import { READY_BUFFER_MESSAGE, type IngestResult } from './protocol'
import type { PackedBatch } from '../events/PackedBatch'

afterEach(closeAll)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function batchOf(count: number) {
  const builder = new BatchBuilder()
  for (let i = 0; i < count; i++) builder.push('x.a', `{"n":${i}}`, Date.now(), performance.now())
  return builder.take('s1', 't1', `t1.${count}`)
}

describe('batches go to the engine without comlink', () => {
  test('answers come back to the call that sent the batch, errors with their code', async () => {
    const channel = new MessageChannel()
    serveIngest(
      {
        ingest: async (batch, resend) => {
          if (batch.ts.length === 0) throw new TapedeckError('quota_exceeded', 'full')
          return { sessionId: batch.sessionId, stored: batch.ts.length, dropped: resend ? 1 : 0 } as IngestResult
        },
      },
      channel.port1,
    )
    const ingest = ingestOver(channel.port2)
    // Heard through addEventListener: a port delivers once started.
    channel.port1.start()
    channel.port2.start()
    const [a, b, failed] = await Promise.all([ingest(batchOf(3), false), ingest(batchOf(5), true), ingest(batchOf(0), false).catch((error: unknown) => error)])
    expect([a.stored, a.dropped, b.stored, b.dropped]).toEqual([3, 0, 5, 1])
    expect(isTapedeckError(failed) && [failed.code, failed.message]).toEqual(['quota_exceeded', 'full'])
    channel.port1.close()
    channel.port2.close()
  })

  test("a recorder's worker takes its batches as plain messages, not through comlink", async () => {
    const calls: string[] = []
    const recorder = recorderFor(uniqueDb(), {
      createWorker: () => {
        const worker = engineWorker()
        const post = worker.postMessage.bind(worker) as (message: unknown, transfer?: Transferable[]) => void
        // What the page asks the worker through comlink: { type: 'APPLY', path: ['ingest'] } for a batch.
        worker.postMessage = ((message: { type?: string; path?: string[] }, transfer?: Transferable[]) => {
          if (message?.type === 'APPLY') calls.push(message.path?.join('.') ?? '')
          post(message, transfer)
        }) as Worker['postMessage']
        return worker
      },
    })
    const { id } = await recorder.start()
    for (let i = 0; i < 600; i++) recorder.record('x.a', { n: i })
    await recorder.flush()
    expect(recorder.getSnapshot()).toMatchObject({ engine: 'worker', error: null, counts: { accepted: 601, durable: 601 } })
    expect((await recorder.sessions.events(id)).length).toBe(601)
    expect(calls).toContain('init')
    expect(calls).not.toContain('ingest')
  })

  test('a batch crosses in a transferred buffer intact, and the buffer comes back for the next one', async () => {
    const builder = new BatchBuilder()
    const payloads = [
      '{"text":"plain"}',
      // U+FEFF first in the wide payloads: text, not a byte order mark to drop.
      '\uFEFF"bom"',
      '{"text":"café, naïve — “quoted”"}',
      '{"text":"déjà vu ×2 ÿ"}',
      '{"text":"emoji 😀👍🏽 and 中文, עברית"}',
      '{"n":5}',
    ]
    payloads.forEach((data, i) => builder.push(i % 2 ? 'message.sent' : 'x.a', data, 1_700_000_000_000 + i / 3, 1_700_000_000_000.123 + i, i === 2 || i === 5))
    const batch = builder.take('s1', 't1', 't1.1')
    Object.assign(batch, { stamp: { firstSeq: 41, tFloor: 12.5, startedAt: 1_699_999_999_000 }, stampedTo: 47, lease: 512, redactions: 2 })
    const expected = structuredClone(batch)

    const received: PackedBatch[] = []
    const channel = new MessageChannel()
    serveIngest({ ingest: async (got) => (received.push(got), { sessionId: got.sessionId, stored: got.ts.length } as IngestResult) }, channel.port1)
    const posted: unknown[] = []
    const port = channel.port2
    const post = port.postMessage.bind(port) as (message: unknown, transfer: Transferable[]) => void
    port.postMessage = ((message: unknown, transfer: Transferable[] = []) => (posted.push(transfer[0]), post(message, transfer))) as MessagePort['postMessage']
    const pool = createBufferPool(4, 1 << 20, 60_000)
    const ingest = ingestOver(port, pool)
    channel.port1.start()
    port.start()

    expect((await ingest(batch, false)).stored).toBe(6)
    expect(posted[0]).toBeInstanceOf(ArrayBuffer)
    expect((posted[0] as ArrayBuffer).byteLength).toBe(0) // transferred, not copied
    expect(received[0]).toEqual(expected)
    expect(received[0]!.narrow.split('\n')).toEqual(payloads.filter((_, i) => !batch.wideAt.includes(i)))
    expect(received[0]!.wide.split('\n')).toEqual(payloads.filter((_, i) => batch.wideAt.includes(i)))
    // The page's own copy is whole: the page-hide copy and a resend read it.
    expect(batch).toEqual(expected)
    // The buffer came back with the answer, into the pool, and the next batch takes it.
    expect(pool.kept()[0]).toBe(1)
    const next = ingest(batchOf(3), true)
    expect(pool.kept()).toEqual([0, 0])
    expect((await next).stored).toBe(3)
    expect(received[1]).toMatchObject({ batchId: 't1.3', ts: expect.any(Float64Array) })
    expect(received[1]!.narrow).toBe('{"n":0}\n{"n":1}\n{"n":2}')
    expect(pool.kept()[0]).toBe(1)
    channel.port1.close()
    port.close()
  })

  test("a buffer goes back with its batch's answer, stored or failed: no more buffers than batches in flight", async () => {
    const channel = new MessageChannel()
    const answer: Array<() => void> = []
    const engine = {
      ingest: (got: PackedBatch) =>
        new Promise<IngestResult>((resolve, reject) =>
          answer.push(() => (got.ts.length ? resolve({ sessionId: got.sessionId, stored: got.ts.length } as IngestResult) : reject(new TapedeckError('quota_exceeded', 'full')))),
        ),
    }
    serveIngest(engine, channel.port1)
    const pool = createBufferPool(8, 1 << 20, 60_000)
    const ingest = ingestOver(channel.port2, pool)
    channel.port1.start()
    channel.port2.start()
    const stored = ingest(batchOf(3), false)
    const failed = ingest(batchOf(0), false).catch((error: unknown) => error)
    for (let i = 0; i < 200 && answer.length < 2; i++) await sleep(5)
    // Both batches read by the worker, and time for a message back: none came before an answer.
    await sleep(50)
    expect(pool.kept()).toEqual([0, 0])
    answer[0]!()
    expect((await stored).stored).toBe(3)
    expect(pool.kept()[0]).toBe(1)
    answer[1]!()
    const error = await failed
    expect(isTapedeckError(error) && error.code).toBe('quota_exceeded')
    expect(pool.kept()[0]).toBe(2)
    channel.port1.close()
    channel.port2.close()
  })

  test('payloads longer in UTF-8 than a buffer sized for ASCII go in a larger one, whole', async () => {
    const builder = new BatchBuilder()
    // 70,000 two-byte characters: 140 KB of UTF-8 against 128 KiB sized for ASCII.
    const payloads = [`"${'é'.repeat(70_000)}"`, '"😀 ok"', `"${'ü'.repeat(10)}"`]
    for (const data of payloads) builder.push('x.a', data, 1, 2)
    const batch = builder.take('s1', 't1', 't1.1')
    const received: PackedBatch[] = []
    const channel = new MessageChannel()
    serveIngest({ ingest: async (got) => (received.push(got), { sessionId: got.sessionId, stored: got.ts.length } as IngestResult) }, channel.port1)
    const ingest = ingestOver(channel.port2, createBufferPool())
    channel.port1.start()
    channel.port2.start()
    expect((await ingest(batch, false)).stored).toBe(3)
    expect(received[0]!.narrow).toBe(`${payloads[0]}\n${payloads[2]}`)
    expect(received[0]!.wide).toBe(payloads[1])
    channel.port1.close()
    channel.port2.close()
  })

  test('a batch with no buffer to go in goes as it is', async () => {
    const received: PackedBatch[] = []
    const channel = new MessageChannel()
    serveIngest({ ingest: async (got) => (received.push(got), { sessionId: got.sessionId, stored: got.ts.length } as IngestResult) }, channel.port1)
    const pool = createBufferPool()
    pool.take = () => {
      throw new RangeError('Array buffer allocation failed')
    }
    const ingest = ingestOver(channel.port2, pool)
    channel.port1.start()
    channel.port2.start()
    const batch = batchOf(4)
    expect((await ingest(batch, false)).stored).toBe(4)
    expect(received[0]).toEqual(batch)
    channel.port1.close()
    channel.port2.close()
  })

  test("a recorder's worker gets its batches in the page's pooled buffers; events stored as recorded", async () => {
    const buffered: boolean[] = []
    const recorder = recorderFor(uniqueDb(), {
      createWorker: () => {
        const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
        const post = worker.postMessage.bind(worker) as (message: unknown, transfer?: Transferable[]) => void
        worker.postMessage = ((message: { ingest?: number; buffered?: unknown }, transfer?: Transferable[]) => {
          if (typeof message?.ingest === 'number') buffered.push('buffered' in message && transfer?.[0] instanceof ArrayBuffer)
          post(message, transfer)
        }) as Worker['postMessage']
        return worker
      },
      maxBatchEvents: 100,
    })
    const { id } = await recorder.start()
    const texts = Array.from({ length: 450 }, (_, i) => (i % 3 === 0 ? `plain ${i}` : i % 3 === 1 ? `crème brûlée ${i}` : `emoji 😀 ${i} ✓`))
    for (const text of texts) recorder.record('x.a', { text })
    await recorder.flush()
    expect(recorder.getSnapshot()).toMatchObject({ engine: 'worker', error: null, counts: { accepted: 451, durable: 451 } })
    const events = await recorder.sessions.events(id)
    expect(events.filter((event) => event.type === 'x.a').map((event) => (event.data as { text: string }).text)).toEqual(texts)
    expect(buffered.length).toBeGreaterThanOrEqual(5)
    expect(buffered.every(Boolean)).toBe(true)
    expect(bufferPool.kept()[0]).toBeGreaterThan(0)
  })

  test('a worker of an earlier version, which does not say it takes buffers, gets plain batches', async () => {
    const buffered: boolean[] = []
    const recorder = recorderFor(uniqueDb(), {
      createWorker: () => {
        const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
        // Heard first: the page never hears that the worker takes buffers.
        worker.addEventListener('message', (event) => event.data === READY_BUFFER_MESSAGE && event.stopImmediatePropagation())
        const post = worker.postMessage.bind(worker) as (message: unknown, transfer?: Transferable[]) => void
        worker.postMessage = ((message: { ingest?: number }, transfer?: Transferable[]) => {
          if (typeof message?.ingest === 'number') buffered.push('buffered' in message)
          post(message, transfer)
        }) as Worker['postMessage']
        return worker
      },
    })
    const { id } = await recorder.start()
    for (let i = 0; i < 300; i++) recorder.record('x.a', { text: `é 😀 ${i}` })
    await recorder.flush()
    expect(recorder.getSnapshot()).toMatchObject({ engine: 'worker', error: null, counts: { accepted: 301, durable: 301 } })
    expect((await recorder.sessions.events(id)).length).toBe(301)
    expect(buffered.length).toBeGreaterThan(0)
    expect(buffered.some(Boolean)).toBe(false)
  })
})
