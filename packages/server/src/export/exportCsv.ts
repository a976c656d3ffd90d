import type { WireEvent } from '../store/SessionStore.js'
import { isRecord } from '../summary/isRecord.js'
import { isSealed } from '../summary/sessionSummary.js'

const COLUMNS = [
  'seq', 'ts', 'callId', 'provider', 'model', 'status', 'inputTokens', 'outputTokens',
  'costUsd', 'latencyMs', 'ttftMs', 'finishReason', 'error',
] as const

type Row = Partial<Record<(typeof COLUMNS)[number], unknown>>

/** What a cell holds when its value is inside a payload sealed for a private key. */
const SEALED = '[sealed]'

/**
 * One row per provider call: completed and failed calls where they finish, then calls that
 * started and never finished (status `unfinished`). RFC 4180, with formula-like text defused.
 * A sealed call (`encryptForServer`) has its seq, time and status; every other cell says `[sealed]`.
 */
export async function exportCsv(events: AsyncIterable<WireEvent>): Promise<string> {
  const started = new Map<unknown, WireEvent>()
  const rows: string[] = [COLUMNS.join(',')]
  for await (const event of events) {
    const data = isRecord(event.data) ? event.data : {}
    const call = event.type === 'provider.call.completed' || event.type === 'provider.call.failed'
    if (isSealed(event.data)) {
      // A sealed start cannot be paired with its end: neither has a readable callId.
      if (call) rows.push(toLine(sealedRow(event)))
      continue
    }
    if (event.type === 'provider.call.started') started.set(data.callId, event)
    if (!call) continue
    const start = started.get(data.callId)
    started.delete(data.callId)
    rows.push(toLine(callRow(event, start)))
  }
  for (const event of started.values()) rows.push(toLine({ ...callRow(event, event), status: 'unfinished' }))
  return `${rows.join('\r\n')}\r\n`
}

function callRow(event: WireEvent, start: WireEvent | undefined): Row {
  const data = isRecord(event.data) ? event.data : {}
  const startData = isRecord(start?.data) ? start.data : {}
  const usage = isRecord(data.usage) ? data.usage : {}
  const error = isRecord(data.error) ? data.error.message : data.error
  return {
    seq: event.seq,
    ts: event.ts,
    callId: data.callId,
    provider: data.provider ?? startData.provider,
    model: data.model ?? startData.model,
    status: event.type === 'provider.call.failed' ? 'failed' : 'completed',
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costUsd: data.costUsd,
    latencyMs: data.latencyMs,
    ttftMs: data.ttftMs,
    finishReason: data.finishReason,
    error,
  }
}

function sealedRow(event: WireEvent): Row {
  const row: Row = Object.fromEntries(COLUMNS.map((column) => [column, SEALED]))
  return { ...row, seq: event.seq, ts: event.ts, status: event.type === 'provider.call.failed' ? 'failed' : 'completed' }
}

function toLine(row: Row): string {
  return COLUMNS.map((column) => cell(row[column])).join(',')
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  let text = typeof value === 'string' ? value : JSON.stringify(value)
  // A spreadsheet runs a cell that starts like a formula; a leading quote keeps it text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
