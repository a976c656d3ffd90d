import { isId } from '../ids.js'
import { ServerError } from '../ServerError.js'
import { TIME_BOUND, withinTimeBound } from '../timeBound.js'
import type { SessionCursor, SessionFilter } from '../store/SessionStore.js'
import type { SessionDetailStatus, SessionSortField } from '@tapedeck/core'
import { parseSort, parseStudioFilters } from './sessionFilters.js'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500
const STATUSES: readonly SessionDetailStatus[] = ['active', 'ended', 'interrupted']

/** The longest userId or feature a list may filter by. */
const MAX_TEXT = 1024
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
/** The largest count a session sorts by (errors, calls): PostgreSQL's integer. */
const MAX_COUNT = 2 ** 31 - 1

/**
 * Every parameter of `GET /v1/sessions`, each read (and checked) once, for every store: a value
 * a store could not take (a NUL, a number past its integer type) is a 400 invalid_query here,
 * never a 500 there. A new list filter is one more entry.
 */
const SESSION_PARAMS: Record<string, (value: string, filter: SessionFilter) => void> = {
  userId: (value, filter) => (filter.userId = parseText(value, 'userId')),
  feature: (value, filter) => (filter.feature = parseText(value, 'feature')),
  status: (value, filter) => {
    if (!STATUSES.includes(value as SessionDetailStatus)) throw invalid(`status must be one of ${STATUSES.join(', ')}.`)
    filter.status = value as SessionDetailStatus
  },
  from: (value, filter) => (filter.from = parseTime(value, 'from')),
  to: (value, filter) => (filter.to = parseTime(value, 'to')),
  limit: (value, filter) => {
    const limit = Number(value)
    if (!/^\d{1,4}$/.test(value) || limit < 1 || limit > MAX_LIMIT) throw invalid(`limit must be an integer from 1 to ${MAX_LIMIT}.`)
    filter.limit = limit
  },
  cursor: (value, filter) => (filter.after = decodeCursor(value)),
  streams: (value, filter) => {
    if (value !== 'linked') throw invalid('streams must be linked.')
    filter.withoutStreams = true
  },
}

/**
 * Reads the parameters of `GET /v1/sessions` (SESSION_PARAMS; an empty one is as if absent, a repeated one
 * is refused), then the Studio filters and sort (sessionFilters.ts).
 */
export function parseSessionQuery(params: URLSearchParams): SessionFilter {
  const filter: SessionFilter = { limit: DEFAULT_LIMIT, ...parseStudioFilters(params), ...parseSort(params) }
  for (const [name, read] of Object.entries(SESSION_PARAMS)) {
    const value = singleParam(params, name)
    if (value) read(value, filter)
  }
  if (filter.after && !fitsSort(filter.after.sortKey, filter.sort ?? 'startedAt')) throw invalid('cursor is not one this server gave for this sort.')
  return filter
}

/**
 * Whether a cursor's sort key is a value of its sort: a start is a safe integer, a count
 * (errors, calls) a 32-bit integer as PostgreSQL keeps it; a cursor given for another sort
 * (a start sent with sort=errors) is refused here, not compared there.
 */
function fitsSort(sortKey: number, sort: SessionSortField): boolean {
  switch (sort) {
    case 'costUsd':
    case 'durationMs':
      return true
    case 'errors':
    case 'calls':
      return Number.isInteger(sortKey) && sortKey >= -MAX_COUNT - 1 && sortKey <= MAX_COUNT
    case 'startedAt':
      return Number.isSafeInteger(sortKey)
  }
}

/** A parameter given at most once: `?userId=a&userId=b` means two things, so it is refused. */
export function singleParam(params: URLSearchParams, name: string): string | null {
  const values = params.getAll(name)
  if (values.length > 1) throw invalid(`${name} is given more than once.`)
  return values[0] ?? null
}

/** A non-negative integer query parameter, e.g. `fromSeq`; 0 when absent. */
export function parseSeqParam(params: URLSearchParams, name: string): number {
  const value = singleParam(params, name)
  if (value === null || value === '') return 0
  const seq = Number(value)
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(seq)) throw invalid(`${name} must be a non-negative integer.`)
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

/** Epoch milliseconds or an ISO 8601 date, within the time bound (timeBound.ts). */
function parseTime(value: string, name: string): number {
  const time = /^-?\d{1,16}$/.test(value) ? Number(value) : value.length <= 64 ? Date.parse(value) : Number.NaN
  if (!withinTimeBound(time)) throw invalid(`${name} must be epoch milliseconds or an ISO 8601 date, within ${TIME_BOUND}.`)
  return time
}

/** Text a store can hold and compare: no control characters (PostgreSQL text cannot hold NUL), well-formed, not too long. */
function parseText(value: string, name: string): string {
  if (value.length > MAX_TEXT || /\p{Cc}/u.test(value) || LONE_SURROGATE.test(value)) {
    throw invalid(`${name} must be at most ${MAX_TEXT} characters, without control characters.`)
  }
  return value
}

function invalid(message: string, cause?: unknown): ServerError {
  return new ServerError('invalid_query', message, { cause })
}
