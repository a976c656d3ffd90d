import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHandler, type HandlerOptions } from '../http/createHandler.js'
import { serve } from '../node/serve.js'
import { createFileStore } from '../store/createFileStore.js'
import type { SessionStore, WireEvent } from '../store/SessionStore.js'
import { gzip, ndjson } from './events.js'

export interface TestServer {
  url: string
  store: SessionStore
  dir: string
  /** The log lines written so far. */
  logs: string[]
  close(): Promise<void>
}

/** A real server on 127.0.0.1 and a free port, on a file store in a fresh temp folder unless a store is given. */
export async function startServer(options: Partial<HandlerOptions> = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tapedeck-server-test-'))
  const store = options.store ?? createFileStore({ dir })
  const logs: string[] = []
  const log = { info: (line: string) => logs.push(line), error: (line: string) => logs.push(`ERROR ${line}`) }
  const handler = createHandler({ log, ...options, store })
  const server = await serve({ handler, port: 0 })
  return {
    url: server.url,
    store,
    dir,
    logs,
    async close() {
      await server.close()
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export interface BatchRequest {
  key?: string
  sessionId?: string
  seq?: string
  headers?: Record<string, string>
  body?: BodyInit
}

/** POSTs events as docs/protocol.md §2 says; every part can be overridden to break it. */
export function postBatch(url: string, events: readonly WireEvent[], request: BatchRequest = {}): Promise<Response> {
  const first = events[0]
  const last = events.at(-1)
  return fetch(`${url}/v1/batches`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-ndjson',
      'Content-Encoding': 'gzip',
      'Idempotency-Key': request.key ?? `k_${first?.sessionId}_${first?.seq}_${last?.seq}`,
      'Tapedeck-Session': request.sessionId ?? first?.sessionId ?? 's_none',
      'Tapedeck-Seq': request.seq ?? `${first?.seq ?? 0}-${last?.seq ?? 0}`,
      ...request.headers,
    },
    body: request.body ?? gzip(ndjson(events)),
  })
}

/** The `{ error: { code } }` of a refusal. */
export async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: { code?: string } }
  return body.error?.code ?? '(none)'
}
