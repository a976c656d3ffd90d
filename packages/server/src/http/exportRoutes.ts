import { exportSessionsJsonl, exportSessionsZip } from '../export/exportSessions.js'
import { ServerError } from '../ServerError.js'
import type { RequestContext } from './requestContext.js'
import { parseSessionQuery } from './sessionQuery.js'

/** GET /v1/export?format=jsonl|zip and the filters: every matching session, newest first, streamed. */
export async function exportSessions({ url, store, note }: RequestContext): Promise<Response> {
  const params = new URLSearchParams(url.searchParams)
  const format = params.get('format') ?? 'jsonl'
  if (format !== 'jsonl' && format !== 'zip') throw new ServerError('invalid_query', 'format must be jsonl or zip.')
  params.delete('format')
  for (const name of ['limit', 'cursor', 'sort', 'order']) {
    if (params.has(name)) throw new ServerError('invalid_query', `${name} does not apply to an export: it holds every matching session, newest first.`)
  }
  const { limit: _limit, after: _after, ...filter } = parseSessionQuery(params)
  note(`format=${format}`)
  const body = format === 'zip' ? exportSessionsZip(store, filter) : exportSessionsJsonl(store, filter)
  return new Response(body, {
    headers: {
      'Content-Type': format === 'zip' ? 'application/zip' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="tapedeck-export.${format}"`,
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
