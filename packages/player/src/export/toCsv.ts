import type { Recording } from '../recording/Recording'
import { recordedCalls } from '../replay/recordedCalls'

/** The columns of `toCsv`, in order. */
export const CSV_COLUMNS = [
  'callId', 'provider', 'model', 'status', 'startT', 'startedAt', 'latencyMs', 'ttftMs',
  'inputTokens', 'outputTokens', 'cachedTokens', 'reasoningTokens', 'costUsd', 'finishReason', 'error',
] as const

function cell(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  let text = typeof value === 'string' ? value : JSON.stringify(value)
  // A spreadsheet runs a cell that starts like a formula; a leading quote keeps it text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

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
    rows.push(CSV_COLUMNS.map((column) => cell(row[column])).join(','))
  }
  return `${rows.join('\r\n')}\r\n`
}
