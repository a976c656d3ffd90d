/**
 * The part of the OTLP/JSON trace request this exporter writes
 * (opentelemetry-proto `collector/trace/v1/trace_service.proto`, JSON encoding as in the OTLP
 * specification): lowerCamelCase keys, ids as hex strings, 64-bit integers (times, `intValue`)
 * as decimal strings, enums as integers.
 */
export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }

export interface KeyValue {
  key: string
  value: AnyValue
}

/** `Span.SpanKind` */
export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind]

/** `Status.StatusCode`; a span without `status` is UNSET, which is what a success is. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode]

export interface SpanEvent {
  timeUnixNano: string
  name: string
  attributes: KeyValue[]
}

export interface Span {
  /** 32 lowercase hex chars. */
  traceId: string
  /** 16 lowercase hex chars. */
  spanId: string
  parentSpanId?: string
  name: string
  kind: SpanKind
  startTimeUnixNano: string
  endTimeUnixNano: string
  attributes: KeyValue[]
  events?: SpanEvent[]
  status?: { code: StatusCode; message?: string }
}

export interface ExportTraceServiceRequest {
  resourceSpans: Array<{
    resource: { attributes: KeyValue[] }
    scopeSpans: Array<{ scope: { name: string; version?: string }; spans: Span[] }>
  }>
}
