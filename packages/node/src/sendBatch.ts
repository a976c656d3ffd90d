import { gzipSync } from 'node:zlib'
import type { FetchFunction } from '@tapedeck/core/instrument'

/** One event as the wire carries it (docs/protocol.md §1). */
export interface StreamEvent {
  v: 1
  id: string
  sessionId: string
  seq: number
  ts: number
  t: number
  tab: string
  type: string
  data: Record<string, unknown>
}

export interface Batch {
  sessionId: string
  parent: string
  firstSeq: number
  lastSeq: number
  /** The same bytes are always sent under the same key. */
  key: string
  body: Uint8Array<ArrayBuffer>
}

/** `sent`; `retry` later (after `afterMs` when the server said); or `refused` for good. */
export type SendOutcome = { result: 'sent' } | { result: 'retry'; afterMs?: number; reason: string } | { result: 'refused'; reason: string }

export interface Backend {
  endpoint: string
  fetch: FetchFunction
  headers?: Record<string, string>
  token?: string | (() => string | Promise<string>)
}

export function createBatch(parent: string, events: readonly StreamEvent[]): Batch {
  const first = events[0]!
  const last = events.at(-1)!
  const ndjson = events.map((event) => `${JSON.stringify(event)}\n`).join('')
  return {
    sessionId: first.sessionId,
    parent,
    firstSeq: first.seq,
    lastSeq: last.seq,
    key: `${first.sessionId}:${first.seq}-${last.seq}`,
    body: new Uint8Array(gzipSync(ndjson)),
  }
}

/**
 * `POST {endpoint}/v1/batches` as docs/protocol.md §2 says, plus `Tapedeck-Parent`. Sorted by the
 * §2 table: 200/201/202/409 sent; 400/413/415/422 refused; 401/403, 408, 429, 5xx and network
 * errors retried (`Retry-After` honoured).
 */
export async function sendBatch(backend: Backend, batch: Batch): Promise<SendOutcome> {
  let response: Response
  try {
    const token = typeof backend.token === 'function' ? await backend.token() : backend.token
    response = await backend.fetch(`${backend.endpoint.replace(/\/+$/, '')}/v1/batches`, {
      method: 'POST',
      headers: {
        ...backend.headers,
        'Content-Type': 'application/x-ndjson',
        'Content-Encoding': 'gzip',
        'Idempotency-Key': batch.key,
        'Tapedeck-Session': batch.sessionId,
        'Tapedeck-Seq': `${batch.firstSeq}-${batch.lastSeq}`,
        'Tapedeck-Parent': batch.parent,
        ...(token && { Authorization: `Bearer ${token}` }),
      },
      body: batch.body,
    })
  } catch (error) {
    return { result: 'retry', reason: `network: ${(error as Error)?.message ?? String(error)}` }
  }
  const text = await response.text().catch(() => '')
  const status = response.status
  if (status === 200 || status === 201 || status === 202 || status === 409) return { result: 'sent' }
  const reason = `${status} ${text.slice(0, 300)}`.trim()
  if (status === 401 || status === 403 || status === 408 || status === 429 || status >= 500) {
    const after = Number(response.headers.get('retry-after'))
    return { result: 'retry', reason, ...(Number.isFinite(after) && after > 0 && { afterMs: after * 1000 }) }
  }
  return { result: 'refused', reason }
}
