import { wrap, type Remote } from 'comlink'
import { TapedeckError } from '../errors'
import { defaultWorker } from './defaultWorker'
import { ingestOver } from './ingestChannel'
import { READY_INGEST_MESSAGE, READY_MESSAGE, type IngestResult, type RecorderWorkerApi } from './protocol'
import type { PackedBatch } from '../events/PackedBatch'

export interface EngineConnection {
  api: RecorderWorkerApi | Remote<RecorderWorkerApi>
  kind: 'worker' | 'main-thread'
  /** A worker's ingest without comlink (see `IngestRequest`); without it, `api.ingest`. */
  ingest?: (batch: PackedBatch, resend: boolean) => Promise<IngestResult>
  /** Why the worker could not be used, when it could not. */
  fallbackReason?: TapedeckError
  terminate(): void
}

export interface ConnectOptions {
  /** `false` runs the engine on the main thread. */
  useWorker: boolean
  /** URL of a self-hosted worker file (for pages whose CSP forbids `blob:` workers). */
  workerUrl?: string | URL
  /** Makes the worker; wins over `workerUrl`. */
  createWorker?: () => Worker
  /** How long to wait for the worker to say it is ready before running on the main thread. */
  readyTimeoutMs: number
}

/**
 * Starts the engine in a worker and waits for it to say it is ready; if the worker cannot be
 * made (no Worker, CSP), fails to load, or stays silent, runs the same engine on the main thread.
 */
export async function connectEngine(options: ConnectOptions): Promise<EngineConnection> {
  if (options.useWorker && typeof Worker !== 'undefined') {
    let worker: Worker | undefined
    try {
      worker = options.createWorker
        ? options.createWorker()
        : options.workerUrl
          ? new Worker(options.workerUrl, { type: 'module', name: 'tapedeck' })
          : defaultWorker()
      const direct = await whenReady(worker, options.readyTimeoutMs)
      const started = worker
      return {
        api: wrap<RecorderWorkerApi>(started),
        kind: 'worker',
        // A worker of an earlier version says only READY_MESSAGE: its batches go through comlink.
        ...(direct && { ingest: ingestOver(started) }),
        terminate: () => started.terminate(),
      }
    } catch (cause) {
      worker?.terminate()
      return mainThread(
        new TapedeckError(
          'worker_unavailable',
          `The recorder's worker could not start (${cause instanceof Error ? cause.message : String(cause)}); recording runs on the main thread. A Content-Security-Policy without blob: workers needs workerUrl.`,
          { cause },
        ),
      )
    }
  }
  return mainThread(
    options.useWorker
      ? new TapedeckError('worker_unavailable', 'This browser has no Worker; recording runs on the main thread.')
      : undefined,
  )
}

/** The engine on the page, loaded only when needed: most pages never pay for it. */
async function mainThread(fallbackReason?: TapedeckError): Promise<EngineConnection> {
  const { RecorderEngine } = await import('./RecorderEngine')
  const engine = new RecorderEngine()
  return {
    api: engine,
    kind: 'main-thread',
    ...(fallbackReason && { fallbackReason }),
    terminate: () => void engine.close(),
  }
}

/** Resolves when the worker says it is ready: with whether it takes batches without comlink. */
function whenReady(worker: Worker, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error, direct = false) => {
      clearTimeout(timer)
      worker.removeEventListener('message', onMessage)
      worker.removeEventListener('error', onError)
      if (error) reject(error)
      else resolve(direct)
    }
    const onMessage = (event: MessageEvent) => {
      if (event.data === READY_MESSAGE || event.data === READY_INGEST_MESSAGE) done(undefined, event.data === READY_INGEST_MESSAGE)
    }
    const onError = (event: Event) => {
      event.preventDefault()
      done(new Error((event as ErrorEvent).message || 'the worker script failed to load'))
    }
    const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    worker.addEventListener('message', onMessage)
    worker.addEventListener('error', onError)
  })
}
