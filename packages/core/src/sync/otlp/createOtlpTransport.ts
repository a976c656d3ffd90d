import { TapedeckError } from '../../errors'
import type { Transport } from '../Transport'
import type { ExportTraceServiceRequest } from './ExportTraceServiceRequest'
import { readBatch } from './readBatch'
import { toOtlpMetrics } from './toOtlpMetrics'
import { toOtlpTraces, type ResourceAttributes } from './toOtlpTraces'
import { trimEndpoint } from '../../util/endpoint'

export interface OtlpTransportOptions {
  /** The collector's OTLP/HTTP base URL, e.g. `http://localhost:4318`; a trailing `/v1/traces` is accepted. */
  endpoint: string
  /** Headers for the collector (an API key header, a dataset…); the sync engine's headers win. */
  headers?: Record<string, string>
  /** Resource attributes; `service.name` defaults to `tapedeck`. */
  resource?: ResourceAttributes
  /** Export prompts, responses, tool arguments/results and event data too. Default false. */
  includeContent?: boolean
  /**
   * Also send the GenAI client metrics (`gen_ai.client.token.usage`, `gen_ai.client.operation.duration`)
   * of each batch's calls to `/v1/metrics`, once its spans were accepted. At most once: a metrics
   * request that fails is not retried (a retry could count the calls twice). Default true.
   */
  metrics?: boolean
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch
}

/** What `createRecorder({ transport: 'otlp', otlp })` passes on to the worker's exporter. */
export type OtlpOptions = Pick<OtlpTransportOptions, 'resource' | 'includeContent' | 'metrics'>

const TRACES_PATH = '/v1/traces'
const METRICS_PATH = '/v1/metrics'

/** `http://host:4318`, `http://host:4318/` and `http://host:4318/v1/traces` all mean the same URL. */
export function tracesUrl(endpoint: string): string {
  const base = trimEndpoint(endpoint)
  return base.endsWith(TRACES_PATH) ? base : base + TRACES_PATH
}

/** The metrics URL beside the traces URL of the same endpoint. */
export function metricsUrl(endpoint: string): string {
  return tracesUrl(endpoint).slice(0, -TRACES_PATH.length) + METRICS_PATH
}

/**
 * A transport that sends each batch to an OpenTelemetry collector as OTLP/HTTP JSON traces
 * (see `toOtlpTraces` for the mapping). It answers with the collector's status, so the sync
 * engine's retry and dead-letter rules apply unchanged. A batch without spans (no call, error
 * or session end in it) is answered `204` without a request. A batch that cannot be read (not
 * gzip, not NDJSON events) is answered `422` with the reason, so it goes to the dead-letter
 * store instead of being retried forever. A network error or an abort rejects.
 */
export function createOtlpTransport(options: OtlpTransportOptions): Transport {
  if (typeof options?.endpoint !== 'string' || !/^https?:\/\//i.test(options.endpoint)) {
    throw new TapedeckError(
      'invalid_options',
      `The OTLP endpoint must be an http(s) URL such as "http://localhost:4318", got ${JSON.stringify(options?.endpoint)}.`,
    )
  }
  const url = tracesUrl(options.endpoint)
  const metricsTo = options.metrics === false ? undefined : metricsUrl(options.endpoint)
  const send = options.fetch ?? ((input, init) => globalThis.fetch(input, init))

  return async (batch, context) => {
    let request: ExportTraceServiceRequest
    let events: ReturnType<typeof readBatch>
    try {
      events = readBatch(batch.body)
      request = toOtlpTraces(events, options.resource, { includeContent: options.includeContent })
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return { status: 422, text: `The OTLP exporter could not read batch ${batch.key}: ${reason}` }
    }
    if (request.resourceSpans.length === 0) return { status: 204 }

    const headers = new Headers(options.headers)
    for (const [name, value] of Object.entries(context.headers)) headers.set(name, value)
    headers.set('Content-Type', 'application/json')
    const sendMetrics = async (to: string, batchEvents: typeof events) => {
      try {
        const metrics = toOtlpMetrics(batchEvents, options.resource)
        if (metrics.resourceMetrics.length > 0) await (await send(to, { method: 'POST', headers, body: JSON.stringify(metrics), signal: context.signal })).text()
      } catch {
        // At most once: the spans are accepted, and a retry could count these calls twice.
      }
    }
    const response = await send(url, { method: 'POST', headers, body: JSON.stringify(request), signal: context.signal })
    // The text is kept with a dead letter (or shows a partial success): enough to see why, no more.
    const text = (await response.text().catch(() => '')).slice(0, 4000)
    if (metricsTo && response.ok) await sendMetrics(metricsTo, events)
    return { status: response.status, retryAfter: response.headers.get('Retry-After'), text }
  }
}
