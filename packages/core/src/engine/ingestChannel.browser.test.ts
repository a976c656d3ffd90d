import { afterEach, describe, expect, test } from 'vitest'
import { isTapedeckError, TapedeckError } from '../errors'
import { BatchBuilder } from '../events/PackedBatch'
import { closeAll, engineWorker, recorderFor, uniqueDb } from '../../test/browser'
import { ingestOver, serveIngest } from './ingestChannel'
import type { IngestResult } from './protocol'

afterEach(closeAll)

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
})
