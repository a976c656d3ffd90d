import { TapedeckError, toErrorInfo } from '../errors'
import type { PackedBatch } from '../events/PackedBatch'
import type { IngestAnswer, IngestRequest, IngestResult, RecorderWorkerApi } from './protocol'

/** The worker's side of the ingest port: each batch to the engine, its answer back. */
export function serveIngest(engine: Pick<RecorderWorkerApi, 'ingest'>, port: MessagePort): void {
  port.onmessage = ({ data }: MessageEvent<IngestRequest>) => {
    const answer = (message: IngestAnswer) => port.postMessage(message)
    engine.ingest(data.batch, data.resend).then(
      (result) => answer({ id: data.id, result }),
      (error: unknown) => answer({ id: data.id, error: toErrorInfo(error, 'storage_failed') }),
    )
  }
}

/** The page's side: `ingest` as the engine's, over the port. */
export function ingestOver(port: MessagePort): (batch: PackedBatch, resend: boolean) => Promise<IngestResult> {
  let last = 0
  const waiting = new Map<number, { resolve(result: IngestResult): void; reject(error: Error): void }>()
  port.onmessage = ({ data }: MessageEvent<IngestAnswer>) => {
    const call = waiting.get(data.id)
    if (!call) return
    waiting.delete(data.id)
    if ('error' in data) call.reject(new TapedeckError(data.error.code, data.error.message))
    else call.resolve(data.result)
  }
  return (batch, resend) =>
    new Promise((resolve, reject) => {
      const id = ++last
      waiting.set(id, { resolve, reject })
      port.postMessage({ id, batch, resend } satisfies IngestRequest)
    })
}
