import { expose } from 'comlink'
import { RecorderEngine } from './RecorderEngine'
import { READY_MESSAGE } from './protocol'

/**
 * Serves the recorder's engine from the worker this runs in: what `@tapedeck/core/worker` does,
 * for a worker built another way (the script-tag bundle starts one from its own code).
 */
export function serveEngine(scope: { postMessage(message: unknown): void } = self as unknown as DedicatedWorkerGlobalScope): void {
  expose(new RecorderEngine(), scope as unknown as Parameters<typeof expose>[1])
  scope.postMessage(READY_MESSAGE)
}
