import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useEffect, useState, type FormEvent } from 'react'
import type { SessionFilters, SessionListItem, SessionSearch, SessionSortField } from '../api/types'
import { dayRange } from '../dates/dayRange'
import { ExportSessions } from '../export/ExportSessions'
import { useStudioClient } from '../api/useStudioClient'
import { formatCost, formatDate, formatDuration } from '../format'
import { Icon } from '../icons/Icon'
import { totalLabel } from '../search/totalLabel'
import { href, navigate } from '../routing/useRoute'
import { saveSearch } from '../search/savedSearches'
import { Snippet } from '../search/Snippet'

const PAGE_SIZE = 25
/** Every parameter of the finder that goes to the server as it is. */
const FILTERS = ['q', 'status', 'userId', 'feature', 'model', 'tag', 'label', 'agentId', 'hasErrors', 'hasAudio', 'minCostUsd', 'maxCostUsd', 'minDurationMs', 'from', 'to', 'reviewed', 'flagged'] as const
const SORTS: Array<{ value: SessionSortField; label: string }> = [
  { value: 'startedAt', label: 'Start' },
  { value: 'costUsd', label: 'Cost' },
  { value: 'durationMs', label: 'Duration' },
  { value: 'errors', label: 'Errors' },
  { value: 'calls', label: 'Calls' },
]

/** The finder's query, from the URL: every choice (search, filters, sort, page) lives there. */
export function searchFromParams(params: URLSearchParams): SessionSearch {
  const search: Record<string, string | number> = { limit: PAGE_SIZE }
  for (const name of [...FILTERS, 'sort', 'order', 'cursor']) {
    const value = params.get(name)
    if (value) search[name] = value
  }
  // Days picked in the form (`from=2026-11-01&to=2026-11-30`, both whole) become the API's instants; epoch ms pass as they are.
  const days = dayRange(params.get('from'), params.get('to'))
  if (days.from !== undefined) search.from = String(days.from)
  if (days.to !== undefined) search.to = String(days.to)
  return search as SessionSearch
}

/** The finder's filters alone, for an export of every matching session (no sort or page). */
export function filtersOf(search: SessionSearch): SessionFilters {
  const { sort: _sort, order: _order, limit: _limit, cursor: _cursor, ...filters } = search
  return filters
}

/** The Sessions page: search with highlighted snippets, filters, sort and pages, all in the URL. */
export function SessionsPage({ params }: { params: URLSearchParams }) {
  const client = useStudioClient()
  const search = searchFromParams(params)
  const page = useQuery({
    queryKey: ['sessions', search],
    // streams=linked: a server stream (docs/protocol.md §7) is listed under its parent, not as a session of its own.
    queryFn: ({ signal }) => client.listSessions({ ...search, streams: 'linked' } as SessionSearch, signal),
    placeholderData: keepPreviousData,
  })
  const previous = (params.get('prev') ?? '').split(',').filter(Boolean)
  const pageNumber = previous.length + 1
  const go = (changes: Record<string, string | undefined>, replace = false) => {
    const next = new URLSearchParams(params)
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value)
      else next.delete(name)
    }
    // A new search or filter starts at the first page.
    if (!('cursor' in changes)) {
      next.delete('cursor')
      next.delete('prev')
    }
    navigate(href(['sessions'], next), replace)
  }

  const sessions = page.data?.sessions ?? []
  const total = page.data?.total
  const label = total !== undefined ? totalLabel(total, page.data?.totalCapped, PAGE_SIZE) : undefined
  const query = params.get('q') ?? ''
  return (
    <div className="page">
      <div className="page-head">
        <h1>Sessions</h1>
        <button
          type="button"
          className="ghost"
          onClick={() => {
            const name = window.prompt('Name this search (the review queue can work through it):', params.get('q') ?? '')
            if (name?.trim()) {
              const kept = new URLSearchParams(params)
              kept.delete('cursor')
              kept.delete('prev')
              saveSearch({ name: name.trim(), params: kept.toString() })
            }
          }}
        >
          <Icon name="inbox" /> Save search
        </button>
        <p className="muted" role="status" aria-live="polite">
          {page.isPending ? 'Loading…' : label ? label.sessions : `${sessions.length}${page.data?.nextCursor ? '+' : ''} sessions`}
        </p>
      </div>
      <Filters params={params} onChange={go} />
      <ExportSessions filters={filtersOf(search)} total={page.data?.totalCapped ? undefined : total} />
      {page.error && (
        <p className="error" role="alert">
          {page.error.message}
        </p>
      )}
      <table className="sessions" aria-label="Sessions" aria-busy={page.isFetching}>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">User</th>
            <th scope="col">Feature</th>
            <th scope="col" className="num">Duration</th>
            <th scope="col" className="num">Calls</th>
            <th scope="col" className="num">Cost</th>
            <th scope="col" className="num">Errors</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <SessionRow key={session.id} session={session} query={query} />
          ))}
        </tbody>
      </table>
      {!page.isPending && sessions.length === 0 && <p className="empty">No session matches.</p>}
      <nav className="pager" aria-label="Result pages">
        <button
          type="button"
          disabled={pageNumber === 1}
          onClick={() => go({ cursor: previous.at(-1) === '-' ? undefined : previous.at(-1), prev: previous.slice(0, -1).join(',') || undefined })}
        >
          <Icon name="left" /> Previous
        </button>
        <span>{`Page ${pageNumber}${label ? ` of ${label.pages}` : ''}`}</span>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => go({ cursor: page.data!.nextCursor!, prev: [...previous, params.get('cursor') ?? '-'].join(',') })}
        >
          Next <Icon name="right" />
        </button>
      </nav>
    </div>
  )
}

function SessionRow({ session, query }: { session: SessionListItem & { streams?: string[] }; query: string }) {
  const meta = session.metadata as { userId?: unknown; feature?: unknown }
  const streams = session.streams ?? []
  const hit = session.match
  const open = href(['sessions', session.id], hit ? { hit: hit.seq, q: query } : {})
  return (
    <>
      <tr className={hit ? 'has-hit' : undefined}>
        <td data-label="Started">
          <a href={open}>{formatDate(session.startedAt)}</a>
          {streams.length > 0 && (
            <ul className="streams" aria-label="Linked streams">
              {streams.map((id) => (
                <li key={id}>
                  <a href={href(['sessions', id])} aria-label={`Server stream ${id}`}>
                    <Icon name="right" size={12} /> <span className="muted small">server stream {id}</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </td>
        <td data-label="User">{typeof meta.userId === 'string' ? meta.userId : '—'}</td>
        <td data-label="Feature">{typeof meta.feature === 'string' ? meta.feature : '—'}</td>
        <td data-label="Duration" className="num">
          {formatDuration(session.stats.durationMs)}
        </td>
        <td data-label="Calls" className="num">
          {session.stats.calls}
        </td>
        <td data-label="Cost" className="num">
          {formatCost(session.stats.costUsd)}
        </td>
        <td data-label="Errors" className={session.stats.errors > 0 ? 'num bad' : 'num'}>
          {session.stats.errors}
        </td>
        <td data-label="Status">
          <span className={`pill pill--${session.status}`}>{session.status}</span>
        </td>
      </tr>
      {hit && (
        <tr className="hit-row">
          <td colSpan={8}>
            <a href={open} aria-label={`Open at the match in the ${hit.field}: ${hit.snippet.slice(0, 80)}`}>
              <Icon name="search" size={14} /> <span className="muted small">{hit.field}</span> <Snippet text={hit.snippet} query={query} highlights={hit.highlights} />
            </a>
          </td>
        </tr>
      )}
    </>
  )
}

function Filters({ params, onChange }: { params: URLSearchParams; onChange(changes: Record<string, string | undefined>, replace?: boolean): void }) {
  const [q, setQ] = useState(params.get('q') ?? '')
  // On a phone the filters fold away behind a button (open when one is set).
  const [open, setOpen] = useState(() => FILTERS.some((name) => name !== 'q' && params.get(name)))
  useEffect(() => setQ(params.get('q') ?? ''), [params])
  const submit = (event: FormEvent) => {
    event.preventDefault()
    onChange({ q: q.trim() || undefined })
  }
  const select = (name: string, label: string, options: Array<[string, string]>) => (
    <label className="field">
      <span>{label}</span>
      <select value={params.get(name) ?? ''} onChange={(event) => onChange({ [name]: event.target.value || undefined })}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  )
  const text = (name: string, label: string, placeholder: string, type = 'text') => (
    <label className="field">
      <span>{label}</span>
      <input
        type={type}
        defaultValue={params.get(name) ?? ''}
        key={params.get(name) ?? ''}
        placeholder={placeholder}
        onBlur={(event) => event.target.value !== (params.get(name) ?? '') && onChange({ [name]: event.target.value.trim() || undefined })}
        onKeyDown={(event) => event.key === 'Enter' && onChange({ [name]: event.currentTarget.value.trim() || undefined })}
      />
    </label>
  )
  // Shown in seconds, sent in ms (minDurationMs).
  const commitSeconds = (value: string) => {
    const seconds = value.trim() === '' ? null : Number(value)
    const ms = seconds !== null && Number.isFinite(seconds) && seconds >= 0 ? String(Math.round(seconds * 1000)) : undefined
    if ((ms ?? '') !== (params.get('minDurationMs') ?? '')) onChange({ minDurationMs: ms })
  }
  return (
    <div className="filters">
      <form role="search" className="searchbar" onSubmit={submit}>
        <label htmlFor="session-search" className="visually-hidden">
          Search messages, prompts, responses, tools and transcripts
        </label>
        <Icon name="search" />
        <input id="session-search" type="search" value={q} onChange={(event) => setQ(event.target.value)} placeholder="Search messages, prompts, tools, transcripts…" />
        <button type="submit" className="primary">
          Search
        </button>
        <button type="button" className="filters-toggle" aria-expanded={open} aria-controls="filter-row" onClick={() => setOpen(!open)}>
          Filters
        </button>
      </form>
      <div className="filter-row" id="filter-row" data-open={open}>
        {select('status', 'Status', [['', 'Any'], ['active', 'Active'], ['ended', 'Ended'], ['interrupted', 'Interrupted']])}
        {select('hasErrors', 'Errors', [['', 'Any'], ['true', 'With errors'], ['false', 'Without']])}
        {select('hasAudio', 'Audio', [['', 'Any'], ['true', 'With audio'], ['false', 'Without']])}
        {select('reviewed', 'Reviewed', [['', 'Any'], ['true', 'Reviewed'], ['false', 'Not reviewed']])}
        {select('flagged', 'Flagged', [['', 'Any'], ['true', 'Flagged'], ['false', 'Not flagged']])}
        {text('from', 'From', '', 'date')}
        {text('to', 'To', '', 'date')}
        {text('userId', 'User', 'user id')}
        {text('feature', 'Feature', 'feature')}
        {text('agentId', 'Agent', 'agent id')}
        {text('model', 'Model', 'gpt-4o…')}
        {text('tag', 'Tag', 'tag')}
        {text('label', 'Label', 'label')}
        {text('minCostUsd', 'Min cost ($)', '0.01', 'number')}
        {text('maxCostUsd', 'Max cost ($)', '1.00', 'number')}
        <label className="field">
          <span>Min duration (s)</span>
          <input
            type="number"
            min={0}
            defaultValue={params.get('minDurationMs') ? String(Number(params.get('minDurationMs')) / 1000) : ''}
            key={params.get('minDurationMs') ?? ''}
            placeholder="30"
            onBlur={(event) => commitSeconds(event.target.value)}
            onKeyDown={(event) => event.key === 'Enter' && commitSeconds(event.currentTarget.value)}
          />
        </label>
        {select('sort', 'Sort by', SORTS.map((s) => [s.value === 'startedAt' ? '' : s.value, s.label]))}
        {select('order', 'Order', [['', 'Descending'], ['asc', 'Ascending']])}
      </div>
    </div>
  )
}
