import type { Pool } from 'pg'
import type { SearchMatchField, SessionListItem, SessionSortField } from '@tapedeck/core'
import { snippetOf } from '../search/snippetOf.js'
import type { SessionSummary } from '../summary/sessionSummary.js'
import { describeSessionRow, type SessionRow } from './describeSessionRow.js'
import { oneTextSql, sessionConditionsSql } from './postgresConditions.js'
import { totalCapOf, type SessionFilter, type SessionPage } from './SessionStore.js'

/** Up to this many matching sessions (counted first), a search gathers them from the words' index. */
export const GATHER_SESSIONS = 2_000

/**
 * A page of sessions from the PostgreSQL store, with its capped total; with words, each with the
 * snippet of its first matching text. `gatherSessions`: PostgresStoreOptions.searchGatherSessions.
 */
export async function postgresListSessions(pool: Pool, filter: SessionFilter, gatherSessions = GATHER_SESSIONS): Promise<SessionPage> {
  // Few matching sessions: gather them from the words' index, then filter and sort them.
  // Many: walk the sessions in order, checking each, and stop at the page's end (or the cap).
  const words = filter.words?.join(' ')
  const cap = totalCapOf(filter)
  // With words, the capped count comes first and says which way to read the page: it counts
  // from the words' index (a join the planner starts from the GIN index for a rare word, and
  // stops at the cap for a common one), where the planner's estimate of the matches, which
  // moves with each analyze's sample, once sent a 638-session word walking 100,000 sessions.
  const counted = words !== undefined ? Number((await pool.query<{ total: string }>(wordCount(filter, words, cap))).rows[0]!.total) : undefined
  const gather = counted !== undefined && counted <= Math.min(cap, gatherSessions)
  const statement = (kind: 'count' | 'page') => {
    const params: unknown[] = []
    // Pushed when first used: a parameter no statement uses has no type PostgreSQL can tell.
    let tsquery: string | undefined
    const query = () => (tsquery ??= `plainto_tsquery('simple', $${params.push(words)})`)
    // Gathered once (a materialized CTE): left to the planner, a page's limit tempts it to walk
    // the sessions in order and check each, which for a rare word reads most of them.
    const gathered = gather ? `with hits as materialized (select d.session_id from tapedeck_session_words d where d.words @@ ${query()}) ` : ''
    const hits = gather ? 'join hits on hits.session_id = s.session_id' : ''
    const oneText = gather ? oneTextSql(filter.words!, query()) : null
    const where = `${sessionConditionsSql(gather ? { ...filter, words: undefined } : filter, params)}${oneText ? ` and ${oneText}` : ''}`
    if (kind === 'count') {
      // Counting stops past the cap (totalCapOf): a common word's, or a broad filter's, every match would be visited.
      const sql = `${gathered}select count(*) as total from (select 1 from tapedeck_sessions s ${hits} where ${where} limit ${totalCapOf(filter) + 1}) as capped`
      return { sql, params }
    }
    const sort = SORT_COLUMNS[filter.sort ?? 'startedAt']
    const desc = filter.order !== 'asc'
    const after = filter.after
      ? ` and (${sort.column}, s.session_id) ${desc ? '<' : '>'} ($${params.push(filter.after.sortKey)}::${sort.type}, $${params.push(filter.after.id)}::text)`
      : ''
    const order = (table: string, column: string) => `${column} ${desc ? 'desc' : 'asc'}, ${table}.session_id ${desc ? 'desc' : 'asc'}`
    const page = `select s.session_id, s.summary, h.reason as hold_reason, h.since as hold_since, ${sort.column} as sort_value
       from tapedeck_sessions s ${hits} left join tapedeck_holds h on h.session_id = s.session_id
       where ${where}${after}
       order by ${order('s', sort.column)} limit $${params.push(filter.limit + 1)}`
    // The snippet's text, for the page's sessions only (after the limit), each read by its
    // session's key: with the text index in the plan, each lookup walked every text holding
    // the words (a two-word search: 1,153 lookups of 6.7 ms before the page was cut).
    const sql = words
      ? `${gathered}select p.*, m.seq as match_seq, m.t as match_t, m.field as match_field, m.body as match_body from (${page}) as p
         left join lateral (select x.seq, x.t, x.field, x.body from tapedeck_texts x
           where x.session_id = p.session_id and coalesce(x.tsv, ''::tsvector) @@ ${query()} order by x.seq, x.ord limit 1) m on true
         order by ${order('p', 'p.sort_value')}`
      : `${gathered}${page}`
    return { sql, params }
  }
  const count = statement('count')
  const listed = statement('page')
  const [total, { rows }] = await Promise.all([
    counted ?? pool.query<{ total: string }>(count.sql, count.params).then((result) => Number(result.rows[0]!.total)),
    pool.query<ListRow>(listed.sql, listed.params),
  ])
  const page = rows.slice(0, filter.limit)
  const last = page.at(-1)
  const sessions: SessionListItem[] = page.map((row) => {
    const detail: SessionListItem = describeSessionRow(row)
    if (filter.words && row.match_body !== undefined && row.match_body !== null) {
      detail.match = {
        seq: Number(row.match_seq),
        t: row.match_t ?? null,
        field: row.match_field as SearchMatchField,
        ...snippetOf(row.match_body, filter.words),
      }
    }
    return detail
  })
  return {
    sessions,
    next: last && rows.length > filter.limit ? { sortKey: Number(last.sort_value), id: (JSON.parse(last.summary) as SessionSummary).id } : null,
    ...capTotal(total, totalCapOf(filter)),
  }
}

interface ListRow extends SessionRow {
  sort_value: string | number
  match_seq?: string | null
  match_t?: number | null
  match_field?: string | null
  match_body?: string | null
}

/** The column each sort reads, and its type for the cursor's value. */
const SORT_COLUMNS: Record<SessionSortField, { column: string; type: string }> = {
  startedAt: { column: 's.sort_at', type: 'bigint' },
  costUsd: { column: 's.cost_usd', type: 'float8' },
  durationMs: { column: 's.duration_ms', type: 'float8' },
  errors: { column: 's.errors', type: 'integer' },
  calls: { column: 's.calls', type: 'integer' },
}

/** The count of a search's sessions up to `cap` + 1, from the words' index joined to the sessions. */
function wordCount(filter: SessionFilter, words: string, cap: number): { text: string; values: unknown[] } {
  const values: unknown[] = [words]
  const query = `plainto_tsquery('simple', $1)`
  const oneText = oneTextSql(filter.words!, query)
  const where = `${sessionConditionsSql({ ...filter, words: undefined }, values)}${oneText ? ` and ${oneText}` : ''}`
  return {
    text: `select count(*) as total from (select 1 from tapedeck_session_words d join tapedeck_sessions s on s.session_id = d.session_id
      where d.words @@ ${query} and ${where} limit ${cap + 1}) as capped`,
    values,
  }
}

function capTotal(total: number, cap: number): { total: number; totalCapped?: true } {
  return total > cap ? { total: cap, totalCapped: true } : { total }
}
