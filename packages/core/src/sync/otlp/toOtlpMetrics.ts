import type { ProviderCallStartedData, TapedeckEvent } from '../../events/catalogue'
import { VERSION } from '../../version'
import { attributes, scalarAttr, stringAttr, type Attribute } from './attributes'
import type { KeyValue } from './ExportTraceServiceRequest'
import { SCOPE_NAME, type ResourceAttributes } from './toOtlpTraces'
import { msToNanos } from './unixNano'

/** The part of the OTLP/JSON metrics request this exporter writes (`collector/metrics/v1`): histograms only. */
export interface ExportMetricsServiceRequest {
  resourceMetrics: Array<{
    resource: { attributes: KeyValue[] }
    scopeMetrics: Array<{ scope: { name: string; version?: string }; metrics: HistogramMetric[] }>
  }>
}

export interface HistogramMetric {
  name: string
  unit: string
  description: string
  /** `aggregationTemporality` 1: DELTA — each request counts only the calls of its batch. */
  histogram: { aggregationTemporality: 1; dataPoints: HistogramDataPoint[] }
}

export interface HistogramDataPoint {
  attributes: KeyValue[]
  startTimeUnixNano: string
  timeUnixNano: string
  /** uint64 as a decimal string, as OTLP/JSON writes 64-bit integers. */
  count: string
  sum: number
  min: number
  max: number
  bucketCounts: string[]
  explicitBounds: number[]
}

// The bucket boundaries the GenAI semantic conventions advise for each metric.
const TOKEN_BOUNDS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]
const DURATION_BOUNDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]

type Json = Record<string, unknown>

/**
 * The GenAI client metrics of one batch's provider calls, beside its spans (`toOtlpTraces`):
 * `gen_ai.client.token.usage` (tokens per call, by `gen_ai.token.type` input/output) and
 * `gen_ai.client.operation.duration` (seconds per call; a failed call with `error.type`). One data
 * point per attribute set, DELTA over the batch's calls, from the first call's start to the last
 * call's end. Pure: the same events give the same request. A batch without calls gives none.
 */
export function toOtlpMetrics(events: TapedeckEvent[], resource: ResourceAttributes = {}): ExportMetricsServiceRequest {
  const started = new Map<string, ProviderCallStartedData>()
  for (const event of events) if (event.type === 'provider.call.started') started.set(`${event.sessionId}\n${String((event.data as Json).callId)}`, event.data as ProviderCallStartedData)
  const tokens = new Histograms(TOKEN_BOUNDS)
  const durations = new Histograms(DURATION_BOUNDS)
  for (const event of events) {
    if (event.type !== 'provider.call.completed' && event.type !== 'provider.call.failed') continue
    const data = event.data as Json
    const request = started.get(`${event.sessionId}\n${String(data.callId)}`)
    const latencyMs = typeof data.latencyMs === 'number' && Number.isFinite(data.latencyMs) && data.latencyMs >= 0 ? data.latencyMs : undefined
    const end = msToNanos(event.ts)
    const start = latencyMs === undefined ? end : end - msToNanos(latencyMs)
    const common: Attribute[] = [
      stringAttr('gen_ai.operation.name', 'chat'),
      stringAttr('gen_ai.provider.name', request?.provider ?? data.provider),
      stringAttr('gen_ai.request.model', request?.model ?? data.model),
      ...(event.type === 'provider.call.completed' ? [stringAttr('gen_ai.response.model', data.model)] : []),
    ]
    if (event.type === 'provider.call.failed') {
      const error = (typeof data.error === 'object' && data.error !== null ? data.error : {}) as Json
      const type = typeof error.name === 'string' && error.name ? error.name : Number.isInteger(error.status) ? String(error.status) : '_OTHER'
      common.push(stringAttr('error.type', type))
    } else {
      const usage = (typeof data.usage === 'object' && data.usage !== null ? data.usage : {}) as Json
      for (const [type, value] of [['input', usage.inputTokens], ['output', usage.outputTokens]] as const) {
        if (Number.isSafeInteger(value) && (value as number) >= 0) tokens.add([...common, scalarAttr('gen_ai.token.type', type)], value as number, start, end)
      }
    }
    if (latencyMs !== undefined) durations.add(common, latencyMs / 1000, start, end)
  }
  const metrics: HistogramMetric[] = []
  if (!tokens.empty) metrics.push({ name: 'gen_ai.client.token.usage', unit: '{token}', description: 'Number of input and output tokens used.', histogram: { aggregationTemporality: 1, dataPoints: tokens.points() } })
  if (!durations.empty) metrics.push({ name: 'gen_ai.client.operation.duration', unit: 's', description: 'GenAI operation duration.', histogram: { aggregationTemporality: 1, dataPoints: durations.points() } })
  if (metrics.length === 0) return { resourceMetrics: [] }
  const resourceAttributes = Object.entries({ 'service.name': 'tapedeck', ...resource })
  return {
    resourceMetrics: [
      {
        resource: { attributes: attributes(...resourceAttributes.map(([key, value]) => scalarAttr(key, value))) },
        scopeMetrics: [{ scope: { name: SCOPE_NAME, version: VERSION }, metrics }],
      },
    ],
  }
}

/** Explicit-bucket histograms, one per attribute set, in the order the sets first came. */
class Histograms {
  readonly #bounds: number[]
  readonly #points = new Map<string, { attributes: KeyValue[]; start: bigint; end: bigint; count: number; sum: number; min: number; max: number; buckets: number[] }>()

  constructor(bounds: number[]) {
    this.#bounds = bounds
  }

  get empty(): boolean {
    return this.#points.size === 0
  }

  add(list: Attribute[], value: number, start: bigint, end: bigint): void {
    const kept = attributes(...list)
    const key = JSON.stringify(kept)
    let point = this.#points.get(key)
    if (!point) this.#points.set(key, (point = { attributes: kept, start, end, count: 0, sum: 0, min: value, max: value, buckets: new Array<number>(this.#bounds.length + 1).fill(0) }))
    point.count++
    point.sum += value
    point.min = Math.min(point.min, value)
    point.max = Math.max(point.max, value)
    if (start < point.start) point.start = start
    if (end > point.end) point.end = end
    // A bucket holds the values up to and including its upper bound (OTLP's explicit buckets).
    const index = this.#bounds.findIndex((bound) => value <= bound)
    point.buckets[index === -1 ? this.#bounds.length : index]!++
  }

  points(): HistogramDataPoint[] {
    return [...this.#points.values()].map((point) => ({
      attributes: point.attributes,
      startTimeUnixNano: String(point.start),
      timeUnixNano: String(point.end),
      count: String(point.count),
      sum: point.sum,
      min: point.min,
      max: point.max,
      bucketCounts: point.buckets.map(String),
      explicitBounds: this.#bounds,
    }))
  }
}
