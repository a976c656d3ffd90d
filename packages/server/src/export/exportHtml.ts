import type { WireEvent } from '../store/SessionStore.js'
import type { SessionDetail } from '@tapedeck/core'
import { isRecord } from '../summary/isRecord.js'
import { isSealed } from '../summary/sessionSummary.js'

const MAX_ROWS = 10_000
const MAX_TEXT = 500
const POLICY = "default-src 'none'; style-src 'unsafe-inline'"

/** A small self-contained report: summary, metadata and a timeline. Every recorded string is escaped. */
export async function exportHtml(detail: SessionDetail, events: AsyncIterable<WireEvent>): Promise<string> {
  const rows: string[] = []
  let more = 0
  for await (const event of events) {
    if (rows.length === MAX_ROWS) {
      more += 1
      continue
    }
    const seconds = typeof event.t === 'number' ? (event.t / 1000).toFixed(3) : ''
    rows.push(`<tr><td>${event.seq}</td><td>${seconds}</td><td>${escape(event.type)}</td><td>${escape(eventText(event))}</td></tr>`)
  }
  const { stats, completeness } = detail
  // Sealed (encryptForServer): the content is readable only with the private key, not here.
  const unknown = 'unknown: the calls are sealed'
  const facts: Array<[string, unknown]> = [
    ['Status', detail.status],
    ['Started', isoTime(detail.startedAt)],
    ['Duration', `${(stats.durationMs / 1000).toFixed(1)} s`],
    ['Events', stats.events],
    ['Complete', completeness.complete ? 'yes' : `no (gaps: ${completeness.gaps.map((g) => `${g.from}–${g.to}`).join(', ') || 'none'})`],
    ['Provider calls', stats.calls],
    ['Tokens in / out', stats.inputTokens === null ? unknown : `${stats.inputTokens} / ${stats.outputTokens}`],
    ['Cost', stats.costUsd === null ? unknown : `$${stats.costUsd}`],
    ['Errors', stats.errors],
    ...(stats.sealedEvents ? [['Sealed', `${stats.sealedEvents} events: their content is sealed for a private key and cannot be shown here`] as [string, unknown]] : []),
  ]
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<title>Tapedeck session ${escape(detail.id)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
td:last-child{white-space:pre-wrap;word-break:break-word}dt{font-weight:600;float:left;clear:left;width:10rem}dd{margin:0 0 .25rem 10rem}
pre{background:#f6f6f6;padding:1rem;overflow:auto}
</style></head><body>
<h1>Session ${escape(detail.id)}</h1>
<dl>${facts.map(([name, value]) => `<dt>${escape(name)}</dt><dd>${escape(String(value))}</dd>`).join('')}</dl>
<h2>Metadata</h2>
<pre>${escape(JSON.stringify(detail.metadata, null, 2))}</pre>
<h2>Timeline</h2>
<table><thead><tr><th>seq</th><th>t (s)</th><th>type</th><th>details</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
${more > 0 ? `<p>${more} more events are left out; export jsonl for all of them.</p>` : ''}
</body></html>
`
}

/** A time as ISO 8601, or its number as it is when a Date cannot hold it (a summary folded before times were bounded). */
function isoTime(at: number | null): string {
  if (at === null) return ''
  const date = new Date(at)
  return Number.isNaN(date.getTime()) ? String(at) : date.toISOString()
}

function eventText(event: WireEvent): string {
  if (isSealed(event.data)) return '[sealed]'
  const data = isRecord(event.data) ? event.data : {}
  const text = typeof data.content === 'string'
    ? `${typeof data.role === 'string' ? data.role : ''}: ${data.content}`
    : JSON.stringify(event.data ?? {})
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text
}

function escape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}
