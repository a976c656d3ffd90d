import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'
import type { SessionDetail } from '@tapedeck/core'
import { ndjsonStream } from '../http/responses.js'
import type { SessionFilter, SessionStore, WireEvent } from '../store/SessionStore.js'

const PAGE = 100
const FLUSH_CHARS = 64 * 1024

/** The matching sessions, a page at a time: only one page of details is held. */
async function* matchingSessions(store: SessionStore, filter: Omit<SessionFilter, 'limit' | 'after'>): AsyncGenerator<SessionDetail> {
  let page = await store.listSessions({ ...filter, limit: PAGE })
  for (;;) {
    yield* page.sessions
    if (!page.next) return
    page = await store.listSessions({ ...filter, limit: PAGE, after: page.next })
  }
}

/** Every event of every matching session as NDJSON, one session after the other, read as the client reads. */
export function exportSessionsJsonl(store: SessionStore, filter: Omit<SessionFilter, 'limit' | 'after'>): ReadableStream<Uint8Array> {
  async function* events(): AsyncGenerator<WireEvent> {
    for await (const detail of matchingSessions(store, filter)) yield* store.readEvents(detail.id)
  }
  return ndjsonStream(events())
}

/**
 * A zip with a folder per matching session (events.jsonl, metadata.json, review-annotations.json,
 * blobs/…), written one session per pull: the server holds one session at a time, and the zip's
 * central directory (about 100 bytes a file).
 */
export function exportSessionsZip(store: SessionStore, filter: Omit<SessionFilter, 'limit' | 'after'>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const sessions = matchingSessions(store, filter)
  let zip: Zip
  return new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip((error, chunk, final) => {
        if (error) return controller.error(error)
        controller.enqueue(chunk)
        if (final) controller.close()
      })
    },
    async pull() {
      const next = await sessions.next()
      if (next.done) {
        zip.end()
        return
      }
      const detail = next.value
      const events = new ZipDeflate(`${detail.id}/events.jsonl`, { level: 6 })
      zip.add(events)
      let text = ''
      for await (const event of store.readEvents(detail.id)) {
        text += `${JSON.stringify(event)}\n`
        if (text.length >= FLUSH_CHARS) {
          events.push(encoder.encode(text))
          text = ''
        }
      }
      events.push(encoder.encode(text), true)
      const blobs = []
      for (const ref of await store.listBlobs(detail.id)) {
        const blob = await store.getBlob(detail.id, ref.blobId, ref.part)
        if (!blob) continue
        const path = `blobs/${ref.blobId}/${ref.part}`
        const file = new ZipPassThrough(`${detail.id}/${path}`)
        zip.add(file)
        file.push(blob.bytes, true)
        blobs.push({ ...ref, path })
      }
      addFile(zip, `${detail.id}/metadata.json`, encoder.encode(`${JSON.stringify({ ...detail, blobs }, null, 2)}\n`))
      addFile(zip, `${detail.id}/review-annotations.json`, encoder.encode(`${JSON.stringify((await store.listAnnotations(detail.id)) ?? [], null, 2)}\n`))
    },
    async cancel() {
      await sessions.return(undefined)
    },
  })
}

function addFile(zip: Zip, path: string, bytes: Uint8Array): void {
  const file = new ZipDeflate(path, { level: 6 })
  zip.add(file)
  file.push(bytes, true)
}
