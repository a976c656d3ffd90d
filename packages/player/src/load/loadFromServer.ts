import { createReadClient, ReadApiError, sessionPath, type ReadClient } from '@tapedeck/core/read'
import { fromReviewAnnotation, reviewAnnotationsIn } from '../annotations/fromReviewAnnotation'
import type { BlobPartInfo, Recording } from '../recording/Recording'
import { parseText } from './parseText'
import { finishRecording } from './finishRecording'
import { serverError } from './serverError'
import type { LoadOptions, ServerSource } from './sources'

const FIRST_PAGE_EVENTS = 1000

/**
 * Reads a session from a server (docs/protocol.md §4) through core's read client: `GET
 * …/v1/sessions/{id}` for the session, `…/events?fromSeq=0` for its NDJSON, `…/annotations` for
 * reviewers' annotations (none when the server has no such route), all three at once, and each
 * attachment part from `…/blobs/{blobId}/{part}` when asked for (the parts are known from the
 * `audio.*` events). With `onFirstPage`, the events are read as they arrive and the first
 * `firstPageEvents` of them are handed over as a recording before the rest has come.
 */
export async function loadFromServer(source: ServerSource, options: LoadOptions): Promise<Recording> {
  const client = createReadClient(source)
  const { sessionId } = source
  const path = sessionPath(sessionId)
  const signal = options.signal ?? null
  const eventsUrl = `${client.endpoint}${path}/events?fromSeq=0`
  // Reviewers' annotations (docs/server.md, "Review annotations"); a server without the route has none.
  const reviewed = client.annotations(sessionId, options.signal).then(reviewAnnotationsIn, noRoute)
  reviewed.catch(() => undefined) // awaited below; a failure before then is not unhandled
  try {
    const [detail, events] = await Promise.all([client.request(path, { signal }), client.request(`${path}/events?fromSeq=0`, { signal })])
    await detail.body?.cancel().catch(() => undefined) // the events say everything the detail does
    const build = async (events: unknown[], describe: (i: number) => string) => {
      const reviews = await reviewed
      return finishRecording(
        {
          source: 'server',
          events,
          sessionId,
          getPart: partReader(client, sessionId, signal),
          annotations: [...reviews.map((review) => fromReviewAnnotation(review, events)), ...(options.annotations ?? [])],
          describe: (i) => `${eventsUrl}: ${describe(i)}`,
        },
        options,
      )
    }
    const onFirstPage = options.onFirstPage
    const text = onFirstPage
      ? await readNdjson(events, options.firstPageEvents ?? FIRST_PAGE_EVENTS, async (lines) => {
          const first = parseText(lines)
          onFirstPage(await build(first.events, first.describe))
        })
      : await events.text()
    const parsed = text.trim() === '' ? { events: [], describe: (i: number) => `event ${i}` } : parseText(text)
    return await build(parsed.events, parsed.describe)
  } catch (error) {
    throw serverError(error, sessionId)
  }
}

/**
 * The whole text of an NDJSON answer, read as it arrives; once `count` whole lines have come and
 * more is still to come, `onFirst` gets those lines (and is awaited).
 */
async function readNdjson(response: Response, count: number, onFirst: (lines: string) => Promise<void>): Promise<string> {
  if (!response.body) return response.text()
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let text = ''
  let lines = 0
  let firstDone = false
  let end = -1
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return text
    const from = text.length
    text += value
    if (firstDone) continue
    for (let at = text.indexOf('\n', from); at !== -1; at = text.indexOf('\n', at + 1)) {
      end = at
      if (++lines >= count) break
    }
    if (lines >= count) {
      firstDone = true
      await onFirst(text.slice(0, end + 1))
    }
  }
}

/** A server without the annotations route answers 404 or 405: no annotations. */
function noRoute(error: unknown): [] {
  if (error instanceof ReadApiError && (error.status === 404 || error.status === 405)) return []
  throw error
}

/** Reads one attachment part of a session; `undefined` when the server has none. */
export function partReader(client: ReadClient, sessionId: string, signal: AbortSignal | null = null): (info: BlobPartInfo) => Promise<Blob | undefined> {
  return async (info) => {
    try {
      const response = await client.request(`${sessionPath(sessionId)}/blobs/${encodeURIComponent(info.blobId)}/${info.part}`, { signal })
      const bytes = await response.arrayBuffer()
      return new Blob([bytes], { type: response.headers.get('content-type') ?? info.mimeType })
    } catch (error) {
      if (error instanceof ReadApiError && error.status === 404) return undefined
      throw serverError(error)
    }
  }
}
