import { expose } from 'comlink'
import { serveIngest } from './ingestPort'
import { RecorderEngine } from './RecorderEngine'
import { READY_MESSAGE } from './protocol'

/**
 * Serves the recorder's engine from the worker this runs in: what `@tapedeck/core/worker` does,
 * for a worker built another way (the script-tag bundle starts one from its own code). Batches
 * come on a port of their own, sent with the ready message (see `IngestRequest`).
 */
export function serveEngine(scope: { postMessage(message: unknown, transfer: Transferable[]): void } = self as unknown as DedicatedWorkerGlobalScope): void {
  const engine = new RecorderEngine()
  expose(engine, scope as unknown as Parameters<typeof expose>[1])
  const ingest = new MessageChannel()
  serveIngest(engine, ingest.port1)
  scope.postMessage(READY_MESSAGE, [ingest.port2])
}
