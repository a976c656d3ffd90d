/**
 * The sync figure's browser side: events recorded and made durable (not timed), then `syncNow()`
 * to the reference server, against one `fetch` POST of the same stored bytes.
 */
import { chatEvents } from './chatEvents'
import { settleCompaction, storedChunks } from './database'
import { nextTask } from './meter'
import { checkDurable, closeRecorder, startRecorder, TYPE } from './benchRecorder'

/**
 * Sync: `count` events recorded and made durable (not timed), then `syncNow()` to the reference
 * server, timed from call to resolve; and the anchor, one `fetch` POST of the same stored bytes.
 */
export async function sync({ count, slice, seed, dbName, endpoint, anchorEndpoint, anchorFirst }: { count: number; slice: number; seed: number; dbName: string; endpoint: string; anchorEndpoint: string; anchorFirst: boolean }) {
  const { recorder, sessionId } = await startRecorder({ dbName, endpoint, sync: 'manual' })
  const next = chatEvents(seed)
  for (let from = 0; from < count; from += slice) {
    const to = Math.min(count, from + slice)
    for (let i = from; i < to; i++) recorder.record(TYPE, next(i))
    await nextTask()
  }
  await recorder.flush()
  checkDurable(recorder, count + 1)
  await settleCompaction(dbName, sessionId)
  const stored = await storedChunks(dbName, sessionId)
  const syncRun = async () => {
    const started = performance.now()
    const status = await recorder.syncNow()
    const ms = performance.now() - started
    if (!status || status.pendingEvents !== 0 || status.error || status.state !== 'idle') {
      throw new Error(`sync did not finish: ${JSON.stringify(status)}`)
    }
    return ms
  }
  const anchorRun = async () => {
    const started = performance.now()
    const response = await fetch(`${anchorEndpoint}/v1/batches`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-ndjson',
        'Content-Encoding': 'gzip',
        'Idempotency-Key': `${sessionId}.0-${count}`,
        'Tapedeck-Session': sessionId,
        'Tapedeck-Seq': `0-${count}`,
      },
      body: stored.bytes as Uint8Array<ArrayBuffer>,
    })
    const text = await response.text()
    const ms = performance.now() - started
    if (response.status !== 201) throw new Error(`the anchor POST got ${response.status}: ${text.slice(0, 300)}`)
    return ms
  }
  let syncMs: number
  let anchorMs: number
  if (anchorFirst) {
    anchorMs = await anchorRun()
    syncMs = await syncRun()
  } else {
    syncMs = await syncRun()
    anchorMs = await anchorRun()
  }
  await closeRecorder(recorder, dbName)
  return { sessionId, bytes: stored.bytes.byteLength, chunks: stored.chunks, events: stored.events, syncMs, anchorMs }
}
