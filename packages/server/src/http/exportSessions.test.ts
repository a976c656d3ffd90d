import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/createMemoryStore.js'
import type { SessionStore } from '../store/SessionStore.js'
import { recordSession } from '../testing/events.js'
import { createHandler } from './createHandler.js'

const SESSIONS = 250

/** A store that counts what the export asks of it. */
async function countedStore(): Promise<{ store: SessionStore; reads: () => number; largestPage: () => number }> {
  const inner = createMemoryStore()
  for (let i = 0; i < SESSIONS; i++) {
    const { events } = recordSession(`s_${String(i).padStart(3, '0')}`, 20, { startedAt: 1_700_000_000_000 + i * 1000 })
    await inner.putBatch({ sessionId: events[0]!.sessionId, key: 'k', firstSeq: 0, lastSeq: 19, events })
  }
  let reads = 0
  let largestPage = 0
  const store: SessionStore = {
    ...inner,
    listSessions: (filter) => {
      largestPage = Math.max(largestPage, filter.limit)
      return inner.listSessions(filter)
    },
    readEvents: (id, options) => {
      reads += 1
      return inner.readEvents(id, options)
    },
  }
  return { store, reads: () => reads, largestPage: () => largestPage }
}

describe('GET /v1/export', () => {
  for (const format of ['jsonl', 'zip'] as const) {
    it(`streams ${format}: sessions are read as the client reads, a page at a time`, async () => {
      const { store, reads, largestPage } = await countedStore()
      const handler = createHandler({ store, log: false })
      const response = await handler(new Request(`http://tapedeck.test/v1/export?format=${format}`))
      const reader = response.body!.getReader()
      const chunks: Uint8Array[] = [(await reader.read()).value!]
      // One chunk read: only the sessions needed for it were read, not all of them.
      expect(reads()).toBeLessThan(SESSIONS / 2)
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        chunks.push(value)
      }
      expect(reads()).toBe(SESSIONS)
      expect(largestPage()).toBeLessThanOrEqual(100)
      const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
      let offset = 0
      for (const chunk of chunks) {
        bytes.set(chunk, offset)
        offset += chunk.length
      }
      if (format === 'jsonl') {
        const lines = new TextDecoder().decode(bytes).trim().split('\n')
        expect(lines).toHaveLength(SESSIONS * 20)
        expect(new Set(lines.map((line) => (JSON.parse(line) as { sessionId: string }).sessionId)).size).toBe(SESSIONS)
      } else {
        expect(Object.keys(unzipSync(bytes)).filter((name) => name.endsWith('/events.jsonl'))).toHaveLength(SESSIONS)
      }
    })
  }
})
