import type { Recording } from '../recording/Recording'
import { recordedCalls } from '../replay/recordedCalls'
import { csvCell } from './csvCell'

/** The columns of `toCsv`, in order. */
export const CSV_COLUMNS = [
  'callId', 'provider', 'model', 'status', 'startT', 'startedAt', 'latencyMs', 'ttftMs',
  'inputTokens', 'outputTokens', 'cachedTokens', 'reasoningTokens', 'costUsd', 'finishReason', 'error',
] as const

/**
 * One row per provider call, in the order they started (RFC 4180, CRLF line ends, a header row):
 * id, provider, model, status (`completed`, `failed`, `unfinished`), start (`t` and ISO wall
 * time), latency, time to first token, tokens, cost, finish reason, error message.
 */
export function toCsv(recording: Recording): string {
  const rows: string[] = [CSV_COLUMNS.join(',')]
  for (const call of recordedCalls(recording)) {
    const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      callId: call.callId,
      provider: call.provider,
      model: call.model,
      status: call.status,
      startT: call.t,
      startedAt: typeof call.ts === 'number' && Number.isFinite(call.ts) ? new Date(call.ts).toISOString() : undefined,
      latencyMs: call.latencyMs,
      ttftMs: call.ttftMs,
      inputTokens: call.usage?.inputTokens,
      outputTokens: call.usage?.outputTokens,
      cachedTokens: call.usage?.cachedTokens,
      reasoningTokens: call.usage?.reasoningTokens,
      costUsd: call.costUsd,
      finishReason: call.finishReason,
      error: call.error?.message,
    }
    rows.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','))
  }
  return `${rows.join('\r\n')}\r\n`
}
