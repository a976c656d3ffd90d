import type { TapedeckEvent } from '@tapedeck/core'
import { playerError } from '../playerError'
import type { BlobPartInfo, Recording } from '../recording/Recording'
import { finishRecording } from './finishRecording'
import type { LoadOptions, RecorderSource } from './sources'

/** Reads a session from a recorder's local store, page by page, and lists its stored attachments. */
export async function loadFromRecorder({ recorder, sessionId }: RecorderSource, options: LoadOptions): Promise<Recording> {
  const sessions = recorder.sessions
  if (typeof sessions?.get !== 'function' || typeof sessions.events !== 'function') {
    throw playerError('invalid_recording', '{ recorder } must have sessions.get() and sessions.events() (a createRecorder() recorder).')
  }
  const session = await sessions.get(sessionId)
  if (session === undefined || session === null) throw playerError('session_not_found', `This recorder has no session ${sessionId}.`)

  const limit = Math.max(1, options.pageSize ?? 5000)
  const events: TapedeckEvent[] = []
  let fromSeq = 0
  // Each page ends at a seq it returned, so the loop ends after (events / limit) + 1 pages.
  for (;;) {
    options.signal?.throwIfAborted()
    const page = await sessions.events(sessionId, { fromSeq, limit })
    for (const event of page) events.push(event)
    const last = page[page.length - 1]
    if (page.length < limit || !last || last.seq < fromSeq) break
    fromSeq = last.seq + 1
  }

  const stored = typeof sessions.blobs === 'function' ? await sessions.blobs(sessionId) : []
  const parts: BlobPartInfo[] = stored.map((record) => {
    const info: BlobPartInfo = { blobId: record.blobId, part: record.part, mimeType: record.mimeType }
    if (record.track !== undefined) info.track = record.track
    if (record.startT !== undefined) info.startT = record.startT
    if (record.durationMs !== undefined) info.durationMs = record.durationMs
    if (record.size !== undefined) info.bytes = record.size
    return info
  })
  const blob = sessions.blob?.bind(sessions)
  // The recorder opens sealed sessions itself; a store that does not (a test double) needs the key.
  return finishRecording({
    source: 'recorder',
    events,
    sessionId,
    parts,
    getPart: blob ? (info) => blob(sessionId, info.blobId, info.part) : undefined,
    annotations: options.annotations,
  }, options)
}
