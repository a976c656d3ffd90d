import { isId } from '../ids.js'
import { ServerError } from '../ServerError.js'
import type { SessionCursor, SessionFilter } from '../store/SessionStore.js'
import type { SessionDetailStatus } from '@tapedeck/core'
import { parseSort, parseStudioFilters } from './sessionFilters.js'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500
const STATUSES: readonly SessionDetailStatus[] = ['active', 'ended', 'interrupted']

/** Reads `userId, feature, status, from, to, limit, cursor` of `GET /v1/sessions`, and the Studio filters and sort (sessionFilters). */
export function parseSessionQuery(params: URLSearchParams): SessionFilter {
  const filter: SessionFilter = { limit: DEFAULT_LIMIT, ...parseStudioFilters(params), ...parseSort(params) }
  const userId = params.get('userId')
  const feature = params.get('feature')
  const status = params.get('status')
  const from = params.get('from')
  const to = params.get('to')
  const limit = params.get('limit')
  const cursor = params.get('cursor')
  if (userId) filter.userId = userId
  if (feature) filter.feature = feature
  if (status) {
    if (!STATUSES.includes(status as SessionDetailStatus)) throw invalid(`status must be one of ${STATUSES.join(', ')}.`)
    filter.status = status as SessionDetailStatus
  }
  if (from) filter.from = parseTime(from, 'from')
  if (to) filter.to = parseTime(to, 'to')
  if (limit) {
    const value = Number(limit)
    if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) throw invalid(`limit must be an integer from 1 to ${MAX_LIMIT}.`)
    filter.limit = value
  }
  if (cursor) filter.after = decodeCursor(cursor)
  if (filter.after && filter.sort !== 'costUsd' && filter.sort !== 'durationMs' && !Number.isSafeInteger(filter.after.sortKey)) {
    throw invalid('cursor is not one this server gave for this sort.')
  }
  return filter
}

/** A non-negative integer query parameter, e.g. `fromSeq`. */
export function parseSeqParam(value: string | null, name: string): number {
  if (value === null || value === '') return 0
  const seq = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seq)) throw invalid(`${name} must be a non-negative integer.`)
  return seq
}

export function encodeCursor(cursor: SessionCursor): string {
  return btoa(`${cursor.sortKey}:${cursor.id}`).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function decodeCursor(cursor: string): SessionCursor {
  let text: string
  try {
    text = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'))
  } catch (error) {
    throw invalid('cursor is not one this server gave.', error)
  }
  const colon = text.indexOf(':')
  const sortKey = Number(text.slice(0, colon))
  const id = text.slice(colon + 1)
  if (colon < 1 || !Number.isFinite(sortKey) || !isId(id)) throw invalid('cursor is not one this server gave.')
  return { sortKey, id }
}

/** Epoch milliseconds or an ISO 8601 date. */
function parseTime(value: string, name: string): number {
  const time = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isFinite(time)) throw invalid(`${name} must be epoch milliseconds or an ISO 8601 date.`)
  return time
}

function invalid(message: string, cause?: unknown): ServerError {
  return new ServerError('invalid_query', message, { cause })
}
