// The HTTP tests' handler, called as a Fetch-API runtime would (no socket), with its log and store;
// the keys the access tests configure.
import { inspect } from 'node:util'
import { createMemoryStore } from '../store/createMemoryStore.js'
import { createHandler, type HandlerOptions, type Logger } from '../http/createHandler.js'
import { gzip, ndjson, recordSession } from './events.js'

export const auth = (key: string) => ({ Authorization: `Bearer ${key}` })
export const KEYS = { ingestKeys: ['in-1', 'in-2'], readKeys: ['read-1'], reviewKeys: ['review-1'], adminKeys: ['admin-1'] }

/** Every log line, and everything handed to log.error, as one text. */
export function captureLog(): Logger & { lines: string[]; text(): string } {
  const lines: string[] = []
  const errors: unknown[] = []
  return {
    lines,
    info: (line) => lines.push(line),
    error: (line, error) => {
      lines.push(`ERROR ${line}`)
      errors.push(error)
    },
    text: () => [...lines, ...errors.map((error) => inspect(error, { depth: 10, showHidden: true }))].join('\n'),
  }
}

interface Call {
  key?: string
  headers?: Record<string, string>
  body?: BodyInit
}

/** Calls a handler directly, as a Fetch-API runtime would. */
export function caller(options: Partial<HandlerOptions> = {}) {
  const log = captureLog()
  const store = options.store ?? createMemoryStore()
  const handler = createHandler({ log, ...options, store })
  const call = (method: string, path: string, { key, headers = {}, body }: Call = {}) =>
    handler(new Request(`http://tapedeck.test${path}`, { method, headers: { ...(key && auth(key)), ...headers }, ...(body !== undefined && { body }) }))
  const send = (events = recordSession('s_1', 3).events, request: Call = {}) =>
    call('POST', '/v1/batches', {
      ...request,
      headers: {
        'Content-Type': 'application/x-ndjson',
        'Content-Encoding': 'gzip',
        'Idempotency-Key': `k_${events[0]!.sessionId}_${events[0]!.seq}_${events.at(-1)!.seq}`,
        'Tapedeck-Session': events[0]!.sessionId,
        'Tapedeck-Seq': `${events[0]!.seq}-${events.at(-1)!.seq}`,
        ...request.headers,
      },
      body: request.body ?? gzip(ndjson(events)),
    })
  return { handler, call, send, log, store }
}

