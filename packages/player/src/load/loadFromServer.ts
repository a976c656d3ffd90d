import { fromReviewAnnotation, reviewAnnotationsIn } from '../annotations/fromReviewAnnotation'
import { playerError } from '../playerError'
import type { Recording } from '../recording/Recording'
import { parseText } from './parseText'
import { serverHeaders } from './serverHeaders'
import { finishRecording } from './finishRecording'
import type { LoadOptions, ServerSource } from './sources'

/**
 * Reads a session from a server (docs/protocol.md §4): `GET …/v1/sessions/{id}` for the session,
 * `…/events?fromSeq=0` for its NDJSON, `…/annotations` for reviewers' annotations (none when the
 * server has no such route), and each attachment part from `…/blobs/{blobId}/{part}`
 * when asked for (the parts are known from the `audio.*` events).
 */
export async function loadFromServer(source: ServerSource, options: LoadOptions): Promise<Recording> {
  const fetchImpl = source.fetch ?? globalThis.fetch.bind(globalThis)
  const base = `${source.endpoint.replace(/\/+$/, '')}/v1/sessions/${encodeURIComponent(source.sessionId)}`

  const request = async (url: string): Promise<Response> => {
    let response: Response
    try {
      response = await fetchImpl(url, { headers: await serverHeaders(source), signal: options.signal })
    } catch (error) {
      if ((error as { name?: unknown })?.name === 'AbortError') throw error
      throw playerError('load_failed', `Could not reach ${url}: ${(error as Error)?.message ?? String(error)}`, error)
    }
    return response
  }
  const fail = async (response: Response, url: string): Promise<never> => {
    const text = await response.text().catch(() => '')
    if (response.status === 404) throw playerError('session_not_found', `The server has no session ${source.sessionId} (404 from ${url}).`)
    throw playerError('load_failed', `The server answered ${response.status} for ${url}${text ? `: ${text.slice(0, 300)}` : ''}.`)
  }

  const detail = await request(base)
  if (!detail.ok) await fail(detail, base)
  await detail.body?.cancel().catch(() => undefined) // the events say everything the detail does

  const eventsUrl = `${base}/events?fromSeq=0`
  const eventsResponse = await request(eventsUrl)
  if (!eventsResponse.ok) await fail(eventsResponse, eventsUrl)
  const text = await eventsResponse.text()
  const parsed = text.trim() === '' ? { events: [], describe: (i: number) => `event ${i}` } : parseText(text)

  // Reviewers' annotations (docs/server.md, "Review annotations"); a server without the route has none.
  const annotationsUrl = `${base}/annotations`
  const annotationsResponse = await request(annotationsUrl)
  if (!annotationsResponse.ok && annotationsResponse.status !== 404 && annotationsResponse.status !== 405) await fail(annotationsResponse, annotationsUrl)
  const reviews = annotationsResponse.ok ? reviewAnnotationsIn(((await annotationsResponse.json()) as { annotations?: unknown }).annotations) : []
  if (!annotationsResponse.ok) await annotationsResponse.body?.cancel().catch(() => undefined)

  return finishRecording({
    source: 'server',
    events: parsed.events,
    sessionId: source.sessionId,
    getPart: async (info) => {
      const url = `${base}/blobs/${encodeURIComponent(info.blobId)}/${info.part}`
      const response = await request(url)
      if (response.status === 404) return undefined
      if (!response.ok) await fail(response, url)
      const bytes = await response.arrayBuffer()
      return new Blob([bytes], { type: response.headers.get('content-type') ?? info.mimeType })
    },
    annotations: [...reviews.map((review) => fromReviewAnnotation(review, parsed.events)), ...(options.annotations ?? [])],
    describe: (i) => `${eventsUrl}: ${parsed.describe(i)}`,
  }, options)
}
