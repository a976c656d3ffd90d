import { expose } from 'comlink'
import { serveIngest, withoutIngest, type MessageEnd } from './ingestChannel'
import { RecorderEngine } from './RecorderEngine'
import { READY_INGEST_MESSAGE } from './protocol'

/**
 * Serves the recorder's engine from the worker this runs in: what `@tapedeck/core/worker` does,
 * for a worker built another way (the script-tag bundle starts one from its own code). Batches
 * are served without comlink (see `IngestRequest`).
 */
export function serveEngine(scope: MessageEnd = self as unknown as DedicatedWorkerGlobalScope): void {
  const engine = new RecorderEngine()
  expose(engine, withoutIngest(scope))
  serveIngest(engine, scope)
  scope.postMessage(READY_INGEST_MESSAGE)
}
