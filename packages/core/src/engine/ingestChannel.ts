import type { Endpoint } from 'comlink'
import { TapedeckError, toErrorInfo } from '../errors'
import type { PackedBatch } from '../events/PackedBatch'
import type { BufferPool } from './BufferPool'
import type { BufferedBatch, IngestAnswer, IngestRequest, IngestResult, RecorderWorkerApi } from './protocol'

/** The side of a worker channel messages are posted and heard on (the worker's global scope, a Worker, a MessagePort). */
export interface MessageEnd {
  postMessage(message: unknown, transfer?: Transferable[]): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void
}

const isRequest = (data: unknown): data is IngestRequest => typeof (data as IngestRequest | null)?.ingest === 'number'
const isAnswer = (data: unknown): data is IngestAnswer => typeof (data as IngestAnswer | null)?.ingested === 'number'

/** The worker's side: each batch to the engine, its answer back. */
export function serveIngest(engine: Pick<RecorderWorkerApi, 'ingest'>, end: MessageEnd): void {
  end.addEventListener('message', ({ data }) => {
    if (!isRequest(data)) return
    // A buffered batch's buffer goes back with its answer, for the page's next batches: one
    // message a batch, and no more buffers than batches the page has in flight.
    const returned = 'buffered' in data ? data.buffered.buffer : undefined
    const answer = (message: IngestAnswer) => end.postMessage(returned ? { ...message, returned } : message, returned ? [returned] : [])
    engine.ingest('buffered' in data ? readBuffered(data.buffered) : data.batch, data.resend).then(
      (result) => answer({ ingested: data.ingest, result }),
      (error: unknown) => answer({ ingested: data.ingest, error: toErrorInfo(error, 'storage_failed') }),
    )
  })
}

/** The same end for comlink's `expose`, without the batches (they are served here). */
export function withoutIngest(end: MessageEnd): Endpoint {
  const listeners = new Map<EventListenerOrEventListenerObject, (event: MessageEvent) => void>()
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => (end as Worker).postMessage(message, transfer ?? []),
    addEventListener(_type: string, listener: EventListenerOrEventListenerObject) {
      const filtered = (event: MessageEvent) => {
        if (isRequest(event.data)) return
        if (typeof listener === 'function') listener(event)
        else listener.handleEvent(event)
      }
      listeners.set(listener, filtered)
      end.addEventListener('message', filtered)
    },
    removeEventListener(_type: string, listener: EventListenerOrEventListenerObject) {
      const filtered = listeners.get(listener)
      if (filtered) end.removeEventListener('message', filtered)
      listeners.delete(listener)
    },
  }
}

/**
 * The page's side: `ingest` as the engine's, over the worker's own channel. `pool`: the worker
 * takes {@link BufferedBatch}es (it said READY_BUFFER_MESSAGE), written into the pool's buffers.
 */
export function ingestOver(end: MessageEnd, pool?: BufferPool | false): (batch: PackedBatch, resend: boolean) => Promise<IngestResult> {
  let last = 0
  const waiting = new Map<number, { resolve(result: IngestResult): void; reject(error: Error): void }>()
  end.addEventListener('message', ({ data }) => {
    if (!isAnswer(data)) return
    if (pool && data.returned) pool.give(data.returned)
    const call = waiting.get(data.ingested)
    if (!call) return
    waiting.delete(data.ingested)
    if ('error' in data) call.reject(new TapedeckError(data.error.code, data.error.message))
    else call.resolve(data.result)
  })
  return (batch, resend) =>
    new Promise((resolve, reject) => {
      const id = ++last
      waiting.set(id, { resolve, reject })
      if (pool)
        try {
          const buffered = toBuffered(batch, pool)
          return end.postMessage({ ingest: id, buffered, resend } satisfies IngestRequest, [buffered.buffer])
        } catch {
          // No memory for a buffer, say: the batch as it is.
        }
      end.postMessage({ ingest: id, batch, resend } satisfies IngestRequest)
    })
}

const encoder = new TextEncoder()

/** The batch with its payloads written into a buffer of `pool` (see BufferedBatch); the batch itself is not changed. */
export function toBuffered(batch: PackedBatch, pool: BufferPool): BufferedBatch {
  const { narrow, wide, ...rest } = batch
  // UTF-8 takes 1 byte for an ASCII character, 2 for the rest of Latin-1, up to 3 for any other
  // UTF-16 unit. Sized for ASCII first (a pool of 64 such buffers stays within its bytes), then
  // for the worst case when that did not fit.
  for (let latin1 = 1; ; latin1++) {
    const buffer = pool.take(latin1 * narrow.length + 3 * wide.length)
    const first = encoder.encodeInto(narrow, new Uint8Array(buffer))
    const second = encoder.encodeInto(wide, new Uint8Array(buffer, first.written))
    if (first.read! + second.read! === narrow.length + wide.length) return { ...rest, buffer, split: first.written!, end: first.written! + second.written! }
  }
}

/** The batch a page wrote with {@link toBuffered}, its payloads read out of the buffer (which goes back). */
export function readBuffered({ buffer, split, end, ...rest }: BufferedBatch): PackedBatch {
  // A leading U+FEFF is text, not a byte order mark.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  return { ...rest, narrow: decoder.decode(new Uint8Array(buffer, 0, split)), wide: decoder.decode(new Uint8Array(buffer, split, end - split)) }
}
