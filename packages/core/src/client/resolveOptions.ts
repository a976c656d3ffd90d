import { TapedeckError } from '../errors'
import type { EngineSyncConfig } from '../engine/protocol'
import { checkEncryptForServer } from '../crypto/checkServerKey'
import { checkRedactOptions } from '../redact/checkRedactOptions'
import type { OtlpOptions } from '../sync/otlp/createOtlpTransport'
import type { RecorderOptions } from './types'

/** The recorder's options with every default filled in: the one place defaults are written. */
export interface Settings {
  dbName: string
  flushIntervalMs: number
  maxBatchEvents: number
  maxEventBytes: number
  maxBlobBytes: number
  workerReadyTimeoutMs: number
  workerWatchdogMs: number
  /** Sync as the engine takes it; `undefined` when sync is off (no endpoint, no transport function). */
  sync: EngineSyncConfig | undefined
}

/**
 * Checks the options and fills in the defaults. An option that cannot work throws here, at
 * `createRecorder()`, never later in a capture call: `invalid_options`, or
 * `invalid_redaction_rule` for a redaction rule.
 */
export function resolveOptions(options: RecorderOptions): Settings {
  const { compressionLevel, onFull, capture } = options
  if (compressionLevel !== undefined && (!Number.isInteger(compressionLevel) || compressionLevel < 0 || compressionLevel > 9)) {
    throw invalid(`compressionLevel must be a whole number from 0 to 9, got ${compressionLevel}.`)
  }
  for (const name of ['retainSyncedMs', 'maxLocalBytes'] as const) positive(options[name], 1, name)
  oneOf('onFull', onFull, ['drop-newest', 'drop-oldest'])
  oneOf('capture', capture, ['full', 'metadata'])
  if (options.encryptForServer !== undefined) checkEncryptForServer(options)
  checkRedactOptions(options.redact)
  return {
    dbName: options.dbName ?? 'tapedeck',
    flushIntervalMs: positive(options.flushIntervalMs, 50, 'flushIntervalMs'),
    maxBatchEvents: positive(options.maxBatchEvents, 256, 'maxBatchEvents'),
    maxEventBytes: positive(options.maxEventBytes, 256 * 1024, 'maxEventBytes'),
    maxBlobBytes: options.maxBlobBytes ?? 16 * 1024 * 1024,
    workerReadyTimeoutMs: options.workerReadyTimeoutMs ?? 10_000,
    workerWatchdogMs: options.workerWatchdogMs ?? 20_000,
    sync: syncConfig(options),
  }
}

function syncConfig(options: RecorderOptions): EngineSyncConfig | undefined {
  const { endpoint, transport } = options
  const custom = typeof transport === 'function'
  if (endpoint === undefined && !custom) return undefined
  return {
    transport: custom ? 'custom' : (transport ?? 'http'),
    ...(endpoint !== undefined && { endpoint }),
    ...(options.otlp !== undefined && { otlp: otlpOptions(options.otlp) }),
    headers: { ...options.headers },
    maxBatchBytes: positive(options.maxBatchBytes, 512 * 1024, 'maxBatchBytes'),
    mode: options.sync ?? 'auto',
    // docs/protocol.md §2: full jitter, base 1 s, cap 5 min.
    backoff: { baseMs: 1000, capMs: 5 * 60_000, ...options.retry },
    delayMs: options.syncDelayMs ?? 250,
    intervalMs: positive(options.syncIntervalMs, 30_000, 'syncIntervalMs'),
    requestTimeoutMs: positive(options.requestTimeoutMs, 30_000, 'requestTimeoutMs'),
  }
}

/** A copy the worker can be sent; resource attribute values are strings, numbers or booleans. */
function otlpOptions(otlp: OtlpOptions): OtlpOptions {
  if (typeof otlp !== 'object' || otlp === null) throw invalid(`otlp must be an object ({ resource, includeContent, metrics }), got ${otlp === null ? 'null' : typeof otlp}.`)
  const { resource, includeContent, metrics } = otlp
  for (const [key, value] of Object.entries(resource ?? {})) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw invalid(`otlp.resource["${key}"] must be a string, number or boolean, got ${typeof value}.`)
  }
  return { ...(resource && { resource: { ...resource } }), ...(includeContent !== undefined && { includeContent }), ...(metrics !== undefined && { metrics }) }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) throw invalid(`${name} must be a positive number, got ${value}.`)
  return value
}

/** Throws `invalid_options` unless `value` is one of `allowed` (or not given). */
export function oneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) throw invalid(`${name} must be ${allowed.map((one) => `'${one}'`).join(' or ')}, got ${JSON.stringify(value)}.`)
}

function invalid(message: string): TapedeckError {
  return new TapedeckError('invalid_options', message)
}
