/**
 * Starting the recorder's engine: the worker (or the main-thread fallback), its configuration,
 * the callbacks it may make on the page, and the page-hide copy. Loaded on first use — a page that
 * never records loads none of it, comlink included.
 */
import { proxy, transfer } from 'comlink'
import { TapedeckError, toErrorInfo, type ErrorInfo } from '../errors'
import { connectEngine, type EngineConnection } from '../engine/connectEngine'
import type { EngineCallbacks, EngineConfig } from '../engine/protocol'
import type { SyncStatus } from '../sync/syncStatus'
import { pick } from '../util/pick'
import type { Settings } from './resolveOptions'
import type { TailWriter } from './tailWriter'
import type { KeepaliveTail } from './keepaliveTail'
import type { CaptureMode, RecorderOptions, RecorderStatus } from './types'

/** What starting the engine needs of the recorder. */
export interface EngineHost {
  options: RecorderOptions
  settings: Settings
  captureMode(): CaptureMode
  fetchToken(): Promise<string | undefined>
  onSyncStatus(status: SyncStatus): void
  report(error: ErrorInfo): void
  publish(patch: Partial<RecorderStatus>): void
  /** The engine refused the configuration: every call says so from now on. */
  fatal(error: TapedeckError): void
  /** The page-hide copy opened (see tailWriter); `undefined` when it could not. */
  tail(open: () => Promise<TailWriter>): Promise<void>
  /** The page-hide send (see keepaliveTail). */
  keepalive(tail: KeepaliveTail | undefined): void
  /** Headers the page-hide send goes with. */
  headers(): Record<string, string>
}

/**
 * Starts the engine in a worker, or on the main thread (`mainThread`: the worker stopped answering;
 * or it cannot start). `undefined` when nothing can store events (reported).
 */
export async function startEngine(host: EngineHost, mainThread: boolean): Promise<EngineConnection | undefined> {
  const { options, settings } = host
  const readyTimeoutMs = settings.workerReadyTimeoutMs
  const sync = settings.sync && { ...settings.sync }
  const config: EngineConfig = {
    dbName: settings.dbName,
    storage: options.storage ?? 'indexeddb',
    capture: host.captureMode(),
    ...(options.encryption && { encryption: pick(options.encryption, 'key') }),
    ...(options.encryptForServer && { encryptForServer: { publicKey: options.encryptForServer.publicKey } }),
    ...pick(options, 'compressionLevel', 'redact', 'retainSyncedMs', 'maxLocalBytes', 'onFull'),
    ...(sync && { sync }),
    // A replacement for this tab's own worker: its session is not left over, it goes on.
    ...(mainThread && { recover: false }),
  }
  try {
    // Loaded beside the engine, not after it (see tailWriter).
    const tailModule = typeof indexedDB === 'undefined' ? undefined : import('./tailWriter').then(({ openTailWriter }) => openTailWriter)
    tailModule?.catch(() => undefined)
    // The page sends its newest events itself as it closes: over HTTP (docs/protocol.md §2), when
    // it uploads on its own, and not when payloads are sealed (sealing is asynchronous).
    const endpoint = sync?.transport === 'http' && sync.mode === 'auto' && !options.encryptForServer ? sync.endpoint : undefined
    const keepaliveModule = endpoint === undefined ? undefined : import('./keepaliveTail').then(({ openKeepaliveTail }) => openKeepaliveTail)
    keepaliveModule?.catch(() => undefined)
    let connection = await connectEngine({
      useWorker: !mainThread && (options.useWorker ?? true),
      ...pick(options, 'workerUrl', 'createWorker'),
      readyTimeoutMs,
    })
    if (connection.fallbackReason) host.report(toErrorInfo(connection.fallbackReason, 'worker_unavailable'))
    const callbacks = engineCallbacks(host)
    const lend = (kind: EngineConnection['kind']) => (kind === 'worker' ? proxy(callbacks) : callbacks)
    if (sync && options.getToken) sync.token = await host.fetchToken()
    let info
    try {
      info = await withTimeout(connection.api.init(config, lend(connection.kind)), readyTimeoutMs, 'the worker did not open its storage')
    } catch (cause) {
      if (connection.kind === 'main-thread') throw cause
      // The worker loaded but could not start (a module it imports failed, say): run here.
      connection.terminate()
      connection = await connectEngine({ useWorker: false, readyTimeoutMs: 0 })
      host.report(toErrorInfo(cause, 'worker_unavailable'))
      info = await connection.api.init(config, lend(connection.kind))
    }
    if (info.fatal) {
      host.fatal(new TapedeckError(info.fatal.code, info.fatal.message))
      host.report(info.fatal)
      connection.terminate()
      return undefined
    }
    if (info.error) host.report(info.error)
    // Ready means a closing page can save what its worker has not confirmed: open that first.
    if (info.storage === 'indexeddb' && tailModule) {
      const open = async () => (await tailModule)(config.dbName, config.redact, () => host.captureMode())
      await withTimeout(host.tail(open), readyTimeoutMs, 'the page-hide copy did not load').catch(() => undefined)
    }
    if (keepaliveModule && endpoint !== undefined) {
      const open = async () => (await keepaliveModule)({ endpoint, headers: () => host.headers(), redact: config.redact, capture: () => host.captureMode() })
      host.keepalive(await withTimeout(open(), readyTimeoutMs, 'the page-hide send did not load').catch(() => undefined))
    }
    host.publish({
      ready: true,
      engine: connection.kind,
      storage: info.storage,
      durable: info.storage === 'indexeddb',
      recovered: info.recovered,
    })
    return connection
  } catch (error) {
    // Nothing can store events (a broken redaction rule in the worker, say): report it, and
    // every batch from now on is counted as dropped rather than hanging.
    host.report(toErrorInfo(error, 'storage_unavailable'))
    return undefined
  }
}

/** What the engine may call back on the page: sync status, a custom transport. */
function engineCallbacks(host: EngineHost): EngineCallbacks {
  const { transport } = host.options
  const timeoutMs = host.settings.sync?.requestTimeoutMs
  return {
    onSyncStatus: (status) => host.onSyncStatus(status),
    ...(typeof transport === 'function' && {
      transport: (batch, { headers }) => transport(batch, { headers, signal: AbortSignal.timeout(timeoutMs!) }),
    }),
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** What the recorder's EngineLink takes from this module, as one object (the script-tag build then makes no module object for it). */
export const starter = { startEngine, transfer, withTimeout }
