import { createReadClient, ReadApiError, sessionPath, type ReadClient } from '@tapedeck/core/read'
import { fromReviewAnnotation, reviewAnnotationsIn } from '../annotations/fromReviewAnnotation'
import type { BlobPartInfo, Recording } from '../recording/Recording'
import { parseText } from './parseText'
import { finishRecording } from './finishRecording'
import { serverError } from './serverError'
import type { LoadOptions, ServerSource } from './sources'

/**
 * Reads a session from a server (docs/protocol.md §4) through core's read client: `GET
 * …/v1/sessions/{id}` for the session, `…/events?fromSeq=0` for its NDJSON, `…/annotations` for
 * reviewers' annotations (none when the server has no such route), and each attachment part from
 * `…/blobs/{blobId}/{part}` when asked for (the parts are known from the `audio.*` events).
 */
export async function loadFromServer(source: ServerSource, options: LoadOptions): Promise<Recording> {
  const client = createReadClient(source)
  const { sessionId } = source
  const path = sessionPath(sessionId)
  const signal = options.signal ?? null
  try {
    const detail = await client.request(path, { signal })
    await detail.body?.cancel().catch(() => undefined) // the events say everything the detail does
    const eventsUrl = `${client.endpoint}${path}/events?fromSeq=0`
    const text = await (await client.request(`${path}/events?fromSeq=0`, { signal })).text()
    const parsed = text.trim() === '' ? { events: [], describe: (i: number) => `event ${i}` } : parseText(text)
    // Reviewers' annotations (docs/server.md, "Review annotations"); a server without the route has none.
    const reviews = reviewAnnotationsIn(await client.annotations(sessionId, options.signal).catch(noRoute))
    return await finishRecording(
      {
        source: 'server',
        events: parsed.events,
        sessionId,
        getPart: partReader(client, sessionId, signal),
        annotations: [...reviews.map((review) => fromReviewAnnotation(review, parsed.events)), ...(options.annotations ?? [])],
        describe: (i) => `${eventsUrl}: ${parsed.describe(i)}`,
      },
      options,
    )
  } catch (error) {
    throw serverError(error, sessionId)
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
