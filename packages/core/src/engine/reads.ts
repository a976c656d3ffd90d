import type { TapedeckEvent } from '../events/catalogue'
import type { ChunkCodec } from '../storage/ChunkCodec'
import type { RecordStore } from '../storage/RecordStore'
import type { SessionRecord } from '../storage/schema'
import { concatBytes } from '../util/concatBytes'
import type { ExportFormat, SessionPage, SessionQuery } from './protocol'

const decoder = new TextDecoder()

type Sealing = () => Promise<typeof import('../crypto/sealForServer')>

/** Events as recorded, from `fromSeq`, at most `limit`: sealed payloads are opened with the session's own content keys. */
export async function readEvents(store: RecordStore, codec: ChunkCodec, sealing: Sealing, id: string, fromSeq: number, limit: number): Promise<TapedeckEvent[]> {
  const events: TapedeckEvent[] = []
  read: for (const chunk of await store.getChunks(id, fromSeq)) {
    for (const line of decoder.decode(await codec.text(chunk)).split('\n')) {
      if (line === '') continue
      const event = JSON.parse(line) as TapedeckEvent
      if (event.seq < fromSeq) continue
      if (events.length >= limit) break read
      events.push(event)
    }
  }
  const keys = (await store.getSession(id))?.sealing
  if (keys) await (await sealing()).openEvents(events, keys)
  return events
}

/** The session as NDJSON, or as one gzip stream; `undefined` when there is no such session. */
export async function exportSession(store: RecordStore, codec: ChunkCodec, id: string, format: ExportFormat): Promise<Uint8Array | undefined> {
  if (!(await store.getSession(id))) return undefined
  const chunks = await store.getChunks(id)
  // gzip members, concatenated, are one valid gzip stream.
  if (format === 'jsonl.gz') return concatBytes(await Promise.all(chunks.map((chunk) => codec.member(chunk))))
  return concatBytes(await Promise.all(chunks.map((chunk) => codec.text(chunk))))
}

export function filterSessions(all: SessionRecord[], query: SessionQuery): SessionPage {
  const limit = Math.max(1, Math.min(query.limit ?? 50, 1000))
  const after = query.cursor ? decodeCursor(query.cursor) : undefined
  const matching = all
    .filter(
      (s) =>
        (query.userId === undefined || s.userId === query.userId) &&
        (query.feature === undefined || s.feature === query.feature) &&
        (query.status === undefined || s.status === query.status) &&
        (query.from === undefined || s.startedAt >= query.from) &&
        (query.to === undefined || s.startedAt < query.to),
    )
    // Newest first; ties broken by id so the order (and the cursor) is total.
    .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .filter((s) => !after || s.startedAt < after.startedAt || (s.startedAt === after.startedAt && s.id < after.id))
  const sessions = matching.slice(0, limit)
  const last = sessions[sessions.length - 1]
  return matching.length > limit && last ? { sessions, nextCursor: encodeCursor(last) } : { sessions }
}

function encodeCursor(session: SessionRecord): string {
  return `${session.startedAt}~${session.id}`
}

function decodeCursor(cursor: string): { startedAt: number; id: string } | undefined {
  const at = cursor.indexOf('~')
  const startedAt = Number(cursor.slice(0, at))
  return at > 0 && Number.isFinite(startedAt) ? { startedAt, id: cursor.slice(at + 1) } : undefined
}
