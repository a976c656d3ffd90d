import type { Endpoint } from 'comlink'
import { TapedeckError, toErrorInfo } from '../errors'
import type { PackedBatch } from '../events/PackedBatch'
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
    let batch: PackedBatch
    if ('buffered' in data) {
      batch = readBuffered(data.buffered)
      // Back at once, for the page's next batch.
      end.postMessage({ returned: data.buffered.buffer }, [data.buffered.buffer])
    } else batch = data.batch
    engine.ingest(batch, data.resend).then(
      (result) => end.postMessage({ ingested: data.ingest, result } satisfies IngestAnswer),
      (error: unknown) => end.postMessage({ ingested: data.ingest, error: toErrorInfo(error, 'storage_failed') } satisfies IngestAnswer),
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

/** Buffers back from the worker, kept for the next batches (a few: a burst reuses them in turn). */
const SPARE_BUFFERS = 4

/**
 * The page's side: `ingest` as the engine's, over the worker's own channel. `buffered`: the
 * worker takes {@link BufferedBatch}es (it said READY_BUFFER_MESSAGE).
 */
export function ingestOver(end: MessageEnd, buffered = false): (batch: PackedBatch, resend: boolean) => Promise<IngestResult> {
  let last = 0
  const waiting = new Map<number, { resolve(result: IngestResult): void; reject(error: Error): void }>()
  const spare: ArrayBuffer[] = []
  end.addEventListener('message', ({ data }) => {
    if (data?.returned instanceof ArrayBuffer) {
      if (spare.length < SPARE_BUFFERS) spare.push(data.returned)
      return
    }
    if (!isAnswer(data)) return
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
      if (!buffered) return end.postMessage({ ingest: id, batch, resend } satisfies IngestRequest)
      const message = toBuffered(batch, spare.pop())
      end.postMessage({ ingest: id, buffered: message, resend } satisfies IngestRequest, [message.buffer])
    })
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The batch written into `buffer`, or a new one when it is missing or too small (see BufferedBatch). */
function toBuffered(batch: PackedBatch, buffer: ArrayBuffer | undefined): BufferedBatch {
  const { ts, at, typeOf, narrow, wide, ...rest } = batch
  const count = ts.length
  const head = 20 * count
  // UTF-8 takes up to 2 bytes for a Latin-1 character, 3 for any other UTF-16 unit.
  const size = head + 2 * narrow.length + 3 * wide.length
  if (!buffer || buffer.byteLength < size) buffer = new ArrayBuffer((size | 0xffff) + 1)
  new Float64Array(buffer, 0, count).set(ts)
  new Float64Array(buffer, 8 * count, count).set(at)
  new Uint32Array(buffer, 16 * count, count).set(typeOf)
  const narrowBytes = encoder.encodeInto(narrow, new Uint8Array(buffer, head)).written
  const wideBytes = encoder.encodeInto(wide, new Uint8Array(buffer, head + narrowBytes)).written
  return { ...rest, buffer, count, narrowBytes, wideBytes }
}

/** The batch a page wrote with {@link toBuffered}, copied out of its buffer (which goes back). */
function readBuffered({ buffer, count, narrowBytes, wideBytes, ...rest }: BufferedBatch): PackedBatch {
  const head = 20 * count
  return {
    ...rest,
    ts: new Float64Array(buffer, 0, count).slice(),
    at: new Float64Array(buffer, 8 * count, count).slice(),
    typeOf: new Uint32Array(buffer, 16 * count, count).slice(),
    narrow: decoder.decode(new Uint8Array(buffer, head, narrowBytes)),
    wide: decoder.decode(new Uint8Array(buffer, head + narrowBytes, wideBytes)),
  }
}
