import { createReadClient, ReadApiError, sessionPath, type ReadClient } from '@tapedeck/core/read'
import { fromReviewAnnotation, reviewAnnotationsIn } from '../annotations/fromReviewAnnotation'
import type { BlobPartInfo, Recording } from '../recording/Recording'
import { parseText } from './parseText'
import { finishRecording } from './finishRecording'
import { firstPagePath } from './firstPagePath'
import { serverError } from './serverError'
import type { LoadOptions, ServerSource } from './sources'

const FIRST_PAGE_EVENTS = 1000

/**
 * Reads a session from a server (docs/protocol.md §4) through core's read client: `GET
 * …/v1/sessions/{id}` for the session, `…/events?fromSeq=0` for its NDJSON, `…/annotations` for
 * reviewers' annotations (none when the server has no such route), all three at once, and each
 * attachment part from `…/blobs/{blobId}/{part}` when asked for (the parts are known from the
 * `audio.*` events). With `onFirstPage`, the events come in two pages: `…/events?fromSeq=0&limit=`
 * the first `firstPageEvents`, handed over as a recording, then the rest from the seq after its
 * last. A server that ignores `limit` sends them all in one answer: it is read as it arrives, and
 * the first page handed over once it has come.
 */
export async function loadFromServer(source: ServerSource, options: LoadOptions): Promise<Recording> {
  const client = createReadClient(source)
  const { sessionId } = source
  const path = sessionPath(sessionId)
  const signal = options.signal ?? null
  const eventsUrl = `${client.endpoint}${path}/events?fromSeq=0`
  const onFirstPage = options.onFirstPage
  const pageSize = options.firstPageEvents ?? FIRST_PAGE_EVENTS
  // Reviewers' annotations (docs/server.md, "Review annotations"); a server without the route has none.
  const reviewed = client.annotations(sessionId, options.signal).then(reviewAnnotationsIn, noRoute)
  reviewed.catch(() => undefined) // awaited below; a failure before then is not unhandled
  try {
    const [detail, events] = await Promise.all([client.request(path, { signal }), client.request(firstPagePath(sessionId, onFirstPage ? pageSize : null), { signal })])
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
    if (!onFirstPage) return await build(...parsed(await events.text()))
    let first: { text: string; events: [unknown[], (i: number) => string] } | undefined
    const text = await readNdjson(events, pageSize, async (lines) => {
      first = { text: lines, events: parsed(lines) }
      onFirstPage(await build(...first.events))
    })
    // The answer was that page and nothing more: it is not parsed twice.
    const page = first && first.text.length === text.length ? first.events : parsed(text)
    // A page cut at `limit` (exactly that many events): the rest follows from the seq after its last.
    if (page[0].length !== pageSize) return await build(...page)
    const lastSeq = (page[0].at(-1) as { seq?: unknown }).seq
    if (typeof lastSeq !== 'number') return await build(...page)
    const rest = parsed(await (await client.request(`${path}/events?fromSeq=${lastSeq + 1}`, { signal })).text())
    return await build([...page[0], ...rest[0]], (i) => (i < pageSize ? page[1](i) : rest[1](i - pageSize)))
  } catch (error) {
    throw serverError(error, sessionId)
  }
}

/** Events of NDJSON text (none for an empty answer), and how to name one in an error. */
function parsed(text: string): [unknown[], (i: number) => string] {
  if (text.trim() === '') return [[], (i) => `event ${i}`]
  const { events, describe } = parseText(text)
  return [events, describe]
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
