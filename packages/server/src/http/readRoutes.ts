import type { SessionDetail, SessionExportFormat, SessionSearchPage } from '@tapedeck/core'
import { exportCsv } from '../export/exportCsv.js'
import { exportHtml } from '../export/exportHtml.js'
import { exportTranscript, TRANSCRIPT_EXPORTS, type TranscriptExportFormat } from '../export/exportTranscript.js'
import { exportZip } from '../export/exportZip.js'
import { ServerError } from '../ServerError.js'
import { readTimeline } from '../store/readTimeline.js'
import type { RequestContext } from './requestContext.js'
import { bodyBytes, json, ndjsonStream } from './responses.js'
import { encodeCursor, parseSeqParam, parseSessionQuery, singleParam } from './sessionQuery.js'

/** Content from recordings is never run by a browser that opens it from this origin. */
const INERT = { 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox" }

/**
 * A page of sessions; with `streams=linked`, linked streams are not listed on their own and each
 * session names its streams (`streams`, as GET /v1/sessions/{id} does).
 */
export async function listSessions({ url, store, note }: RequestContext): Promise<Response> {
  const filter = parseSessionQuery(url.searchParams)
  const page = await store.listSessions(filter)
  note(`sessions=${page.sessions.length}`)
  const sessions = filter.withoutStreams
    ? await Promise.all(
        page.sessions.map(async (session) => {
          const streams = await store.linkedStreams(session.id)
          return streams.length ? { ...session, streams } : session
        }),
      )
    : page.sessions
  const body: SessionSearchPage = {
    sessions,
    nextCursor: page.next && encodeCursor(page.next),
    total: page.total,
    ...(page.totalCapped && { totalCapped: true }),
  }
  return json(200, body)
}

/** The detail; with `streams`, the ids of the streams linked to it (docs/protocol.md, "Linked streams"). */
export async function getSession(context: RequestContext): Promise<Response> {
  const detail = await findSession(context)
  const streams = await context.store.linkedStreams(detail.id)
  return json(200, streams.length ? { ...detail, streams } : detail)
}

/**
 * NDJSON in seq order from `fromSeq`, at most `limit` events (a page: fewer than `limit` is the
 * end); `?streams=linked`: with its linked streams, on one timeline by `ts`. The store's stored
 * text is sent as it is when it keeps one (readEventLines).
 */
export async function getEvents(context: RequestContext): Promise<Response> {
  const { id } = await findSession(context)
  const { store } = context
  const params = context.url.searchParams
  const streams = singleParam(params, 'streams')
  if (streams !== null && streams !== 'linked') throw new ServerError('invalid_query', 'streams must be linked.')
  if (streams && (params.has('fromSeq') || params.has('limit'))) throw new ServerError('invalid_query', 'fromSeq and limit do not apply with streams=linked: the timeline holds several seq ranges.')
  const fromSeq = parseSeqParam(params, 'fromSeq')
  const limitText = singleParam(params, 'limit')
  const limit = limitText === null || limitText === '' ? Number.POSITIVE_INFINITY : parseSeqParam(params, 'limit')
  if (limit === 0) throw new ServerError('invalid_query', 'limit must be a positive integer.')
  const body = streams
    ? ndjsonStream(readTimeline(store, id, await store.linkedStreams(id)))
    : store.readEventLines
      ? ndjsonStream(store.readEventLines(id, { fromSeq, limit }), (line) => line)
      : ndjsonStream(take(store.readEvents(id, { fromSeq }), limit))
  return new Response(body, { headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8' } })
}

/** The first `count` items; the source is closed when they have been taken. */
async function* take<T>(items: AsyncIterable<T>, count: number): AsyncGenerator<T> {
  if (count <= 0) return
  let taken = 0
  for await (const item of items) {
    yield item
    if (++taken >= count) return
  }
}

export async function getBlob({ params, store }: RequestContext): Promise<Response> {
  const blob = await store.getBlob(params.sessionId!, params.blobId!, params.part!)
  if (!blob) throw new ServerError('blob_not_found', 'No such blob part.')
  return new Response(bodyBytes(blob.bytes), { headers: { ...INERT, 'Content-Type': blob.contentType } })
}

const EXPORTS = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  zip: 'application/zip',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
} as const satisfies Record<Exclude<SessionExportFormat, TranscriptExportFormat>, string>

export async function exportSession(context: RequestContext): Promise<Response> {
  const format = singleParam(context.url.searchParams, 'format') ?? 'jsonl'
  if (Object.hasOwn(TRANSCRIPT_EXPORTS, format)) return exportSessionTranscript(context, format as TranscriptExportFormat)
  if (!Object.hasOwn(EXPORTS, format)) throw new ServerError('invalid_query', 'format must be jsonl, zip, html, csv, vtt, srt or txt.')
  const detail = await findSession(context)
  const type = format as keyof typeof EXPORTS
  const headers = {
    ...INERT,
    'Content-Type': EXPORTS[type],
    'Content-Disposition': `attachment; filename="tapedeck-${detail.id}.${type}"`,
  }
  const events = () => context.store.readEvents(detail.id)
  const body = {
    jsonl: () => ndjsonStream(events()),
    zip: () => exportZip(context.store, detail),
    csv: () => exportCsv(events()),
    html: () => exportHtml(detail, events()),
  }[type]
  return new Response(await body(), { headers })
}

/** `?format=vtt|srt|txt`: the session's transcript (docs/server.md). */
async function exportSessionTranscript(context: RequestContext, format: TranscriptExportFormat): Promise<Response> {
  const detail = await findSession(context)
  const headers = {
    ...INERT,
    'Content-Type': TRANSCRIPT_EXPORTS[format],
    'Content-Disposition': `attachment; filename="tapedeck-${detail.id}.${format}"`,
  }
  return new Response(await exportTranscript(detail.id, context.store.readEvents(detail.id), format), { headers })
}

async function findSession({ params, store }: RequestContext): Promise<SessionDetail> {
  const detail = await store.getSession(params.sessionId!)
  if (!detail) throw new ServerError('session_not_found', 'No such session.')
  return detail
}
