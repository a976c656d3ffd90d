import type { Endpoint } from 'comlink'
import { TapedeckError, toErrorInfo } from '../errors'
import type { PackedBatch } from '../events/PackedBatch'
import type { IngestAnswer, IngestRequest, IngestResult, RecorderWorkerApi } from './protocol'

/** The side of a worker channel messages are posted and heard on (the worker's global scope, a Worker, a MessagePort). */
export interface MessageEnd {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void
}

const isRequest = (data: unknown): data is IngestRequest => typeof (data as IngestRequest | null)?.ingest === 'number'
const isAnswer = (data: unknown): data is IngestAnswer => typeof (data as IngestAnswer | null)?.ingested === 'number'

/** The worker's side: each batch to the engine, its answer back. */
export function serveIngest(engine: Pick<RecorderWorkerApi, 'ingest'>, end: MessageEnd): void {
  end.addEventListener('message', ({ data }) => {
    if (!isRequest(data)) return
    engine.ingest(data.batch, data.resend).then(
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

/** The page's side: `ingest` as the engine's, over the worker's own channel. */
export function ingestOver(end: MessageEnd): (batch: PackedBatch, resend: boolean) => Promise<IngestResult> {
  let last = 0
  const waiting = new Map<number, { resolve(result: IngestResult): void; reject(error: Error): void }>()
  end.addEventListener('message', ({ data }) => {
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
      end.postMessage({ ingest: id, batch, resend } satisfies IngestRequest)
    })
}
