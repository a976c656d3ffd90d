import type { SessionSortField } from '@tapedeck/core'
import { searchWords } from '../search/searchWords.js'
import { ServerError } from '../ServerError.js'
import type { SessionConditions, SessionFilter } from '../store/SessionStore.js'

const TEXT_FILTERS = ['agentId', 'tag', 'label', 'model'] as const
const BOOLEAN_FILTERS = ['hasErrors', 'hasAudio', 'reviewed', 'flagged'] as const
const NUMBER_FILTERS = ['minCostUsd', 'maxCostUsd', 'minDurationMs'] as const
const SORTS: readonly SessionSortField[] = ['startedAt', 'costUsd', 'durationMs', 'errors', 'calls']
/** Every parameter this file reads, for callers that refuse unknown ones. */
export const STUDIO_FILTER_PARAMS = [...TEXT_FILTERS, ...BOOLEAN_FILTERS, ...NUMBER_FILTERS, 'q'] as const

/**
 * The Studio filters of GET /v1/sessions, /v1/stats and /v1/export (docs/server.md, "Filters"):
 * agentId, tag, label, model, hasErrors, hasAudio, reviewed, flagged, minCostUsd, maxCostUsd,
 * minDurationMs and q. Every bad value is 400 invalid_query.
 */
export function parseStudioFilters(params: URLSearchParams): SessionConditions {
  const conditions: SessionConditions = {}
  for (const name of TEXT_FILTERS) {
    const value = single(params, name)
    if (value === null) continue
    if (value.length > 256 || /\p{Cc}/u.test(value)) throw invalid(`${name} must be 1 to 256 characters without control characters.`)
    conditions[name] = value
  }
  for (const name of BOOLEAN_FILTERS) {
    const value = single(params, name)
    if (value === null) continue
    if (value !== 'true' && value !== 'false') throw invalid(`${name} must be true or false.`)
    conditions[name] = value === 'true'
  }
  for (const name of NUMBER_FILTERS) {
    const value = single(params, name)
    if (value === null) continue
    const number = Number(value)
    if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(number)) throw invalid(`${name} must be a non-negative decimal number.`)
    conditions[name] = number
  }
  const q = single(params, 'q')
  if (q !== null) conditions.words = searchWords(q)
  return conditions
}

/** `sort` and `order` of GET /v1/sessions. */
export function parseSort(params: URLSearchParams): Pick<SessionFilter, 'sort' | 'order'> {
  const sort = single(params, 'sort') ?? 'startedAt'
  const order = single(params, 'order') ?? 'desc'
  if (!SORTS.includes(sort as SessionSortField)) throw invalid(`sort must be one of ${SORTS.join(', ')}.`)
  if (order !== 'asc' && order !== 'desc') throw invalid('order must be asc or desc.')
  return { sort: sort as SessionSortField, order }
}

/** The parameter's one value; null when absent; 400 when repeated or empty. */
function single(params: URLSearchParams, name: string): string | null {
  const values = params.getAll(name)
  if (values.length === 0) return null
  if (values.length > 1) throw invalid(`${name} may be given once.`)
  if (values[0] === '') throw invalid(`${name} is empty; leave it out instead.`)
  return values[0]!
}

function invalid(message: string): ServerError {
  return new ServerError('invalid_query', message)
}
