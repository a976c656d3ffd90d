import type { SessionConditions } from './SessionStore.js'

/**
 * The SQL of SessionConditions over `tapedeck_sessions s`, its values pushed onto `params`
 * ($n placeholders): every condition is answered from indexed columns and tables kept at
 * ingest, never from tapedeck_events. 'true' when there is none.
 */
export function sessionConditionsSql(c: SessionConditions, params: unknown[]): string {
  const add = (value: unknown) => `$${params.push(value)}`
  const clauses: string[] = []
  const annotated = (kind?: string) =>
    `exists (select 1 from tapedeck_annotations a where a.session_id = s.session_id${kind ? ` and a.kind = '${kind}'` : ''})`
  if (c.userId !== undefined) clauses.push(`s.user_id = ${add(c.userId)}`)
  if (c.feature !== undefined) clauses.push(`s.feature = ${add(c.feature)}`)
  if (c.agentId !== undefined) clauses.push(`s.agent_id = ${add(c.agentId)}`)
  if (c.status !== undefined) clauses.push(`s.status = ${add(c.status)}`)
  if (c.from !== undefined) clauses.push(`s.sort_at >= ${add(Math.ceil(c.from))}::bigint`)
  if (c.to !== undefined) clauses.push(`s.sort_at < ${add(Math.ceil(c.to))}::bigint`)
  if (c.tag !== undefined) clauses.push(`s.tags @> array[${add(c.tag)}::text]`)
  if (c.model !== undefined) clauses.push(`s.models @> array[${add(c.model)}::text]`)
  if (c.label !== undefined) {
    const label = add(c.label)
    clauses.push(`(s.label = ${label} or exists (select 1 from tapedeck_annotations a where a.session_id = s.session_id and a.kind = 'label' and a.text = ${label}))`)
  }
  if (c.hasErrors !== undefined) clauses.push(c.hasErrors ? 's.errors > 0' : 's.errors = 0')
  if (c.hasAudio !== undefined) clauses.push(c.hasAudio ? 's.audio_parts > 0' : 's.audio_parts = 0')
  if (c.reviewed !== undefined) clauses.push(`${c.reviewed ? '' : 'not '}${annotated()}`)
  if (c.flagged !== undefined) clauses.push(`${c.flagged ? '' : 'not '}${annotated('flag')}`)
  if (c.minCostUsd !== undefined) clauses.push(`s.cost_known and s.cost_usd >= ${add(c.minCostUsd)}::float8`)
  if (c.maxCostUsd !== undefined) clauses.push(`s.cost_known and s.cost_usd <= ${add(c.maxCostUsd)}::float8`)
  if (c.minDurationMs !== undefined) clauses.push(`s.duration_ms >= ${add(c.minDurationMs)}::float8`)
  if (c.words !== undefined) {
    const query = `plainto_tsquery('simple', ${add(c.words.join(' '))})`
    clauses.push(`exists (select 1 from tapedeck_session_words d where d.session_id = s.session_id and d.words @@ ${query})`)
    const oneText = oneTextSql(c.words, query)
    if (oneText) clauses.push(oneText)
  }
  return clauses.length ? clauses.join(' and ') : 'true'
}

/**
 * A session matches a search when one of its texts holds every word (docs/server.md, "Text
 * search"). Its words (tapedeck_session_words) settle that for one word; for several they only
 * rule sessions out, and this checks its texts.
 */
export function oneTextSql(words: readonly string[], query: string): string | null {
  return words.length > 1 ? `exists (select 1 from tapedeck_texts x where x.session_id = s.session_id and x.tsv @@ ${query})` : null
}
