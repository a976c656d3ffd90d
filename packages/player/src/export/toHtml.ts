import { allAnnotations } from '../annotations/annotate'
import type { Recording } from '../recording/Recording'
import { recordedCalls } from '../replay/recordedCalls'
import { computeStats, type Distribution } from '../stats/computeStats'
import { escapeHtml } from './escapeHtml'
import { transcriptCues } from './transcriptCues'

export interface HtmlOptions {
  /** Page title. Default `Tapedeck session {id}`. */
  title?: string
  /** At most this many messages and calls are shown (the rest are counted). Default 10000. */
  maxRows?: number
}

const POLICY = "default-src 'none'; style-src 'unsafe-inline'"

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : `${(ms / 1000).toFixed(3)} s`
}

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${Math.round(value)} ms`
}

function dist(d: Distribution): string {
  return d.count === 0 ? '–' : `p50 ${ms(d.p50)} · p95 ${ms(d.p95)} (${d.count})`
}

function table(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
    .join('\n')}</tbody></table>`
}

/**
 * One self-contained HTML report: statistics, the conversation, the transcript (when the session
 * has one), the provider calls, the tools and annotations. Every recorded value is escaped; a Content-Security-Policy forbids scripts and
 * every request (no fonts, images or links are loaded), so it can be opened from anywhere.
 */
export function toHtml(recording: Recording, options: HtmlOptions = {}): string {
  const maxRows = options.maxRows ?? 10_000
  const stats = computeStats(recording)
  const title = options.title ?? `Tapedeck session ${recording.sessionId}`
  const started = recording.startedAt === null ? '' : new Date(recording.startedAt).toISOString()
  const gaps = recording.gaps.map((gap) => (gap.from === gap.to ? `${gap.from}` : `${gap.from}–${gap.to}`)).join(', ')

  const facts: Array<[string, string]> = [
    ['Session', escapeHtml(recording.sessionId)],
    ['Started', escapeHtml(started)],
    ['Duration', escapeHtml(seconds(stats.durationMs))],
    ['Active time', escapeHtml(seconds(stats.activeTimeMs))],
    ['Events', escapeHtml(stats.events)],
    ['Complete', escapeHtml(recording.complete ? 'yes' : gaps ? `no (missing seq ${gaps})` : 'no (not ended)')],
    ['Cost', escapeHtml(`$${stats.costUsd}`)],
    ['Tokens', escapeHtml(`${stats.tokens.input} in · ${stats.tokens.output} out · ${stats.tokens.cached} cached · ${stats.tokens.reasoning} reasoning`)],
    ['Provider calls', escapeHtml(`${stats.calls.total} (${stats.calls.completed} completed, ${stats.calls.failed} failed, ${stats.calls.unfinished} unfinished)`)],
    ['Latency', escapeHtml(dist(stats.calls.latencyMs))],
    ['Time to first token', escapeHtml(dist(stats.calls.ttftMs))],
    ['Errors', escapeHtml(`${stats.errors.total} (${stats.errors.failedCalls} failed calls, ${stats.errors.raised} raised, ${stats.errors.toolErrors} tool errors)`)],
    ['Messages', escapeHtml(Object.entries(stats.messages.byRole).map(([role, n]) => `${role} ${n}`).join(' · ') || '0')],
    ['User actions', escapeHtml(Object.entries(stats.userActions.byKind).map(([kind, n]) => `${kind} ${n}`).join(' · ') || '0')],
  ]
  const meta = recording.metadata
  for (const key of ['userId', 'feature', 'label', 'agentId'] as const) if (typeof meta[key] === 'string') facts.push([key, escapeHtml(meta[key])])

  const messages = recording.events.filter((event) => event.type === 'message.created')
  const conversation = messages.slice(0, maxRows).map((event) => {
    const data = event.data as Record<string, unknown>
    const role = typeof data.role === 'string' ? data.role : 'unknown'
    const text = typeof data.content === 'string' ? data.content : data.parts !== undefined ? JSON.stringify(data.parts) : ''
    return `<div class="msg ${escapeHtml(role.replace(/[^a-z]/gi, ''))}"><div class="who">${escapeHtml(role)} <span>${escapeHtml(seconds(event.t))}</span></div><div class="text">${escapeHtml(text)}</div></div>`
  })

  const cues = transcriptCues(recording.events)
  const transcriptRows = cues.slice(0, maxRows).map((cue) => [
    escapeHtml(`${seconds(cue.startT)} – ${seconds(cue.endT)}`),
    escapeHtml(cue.speaker),
    `<span class="text">${escapeHtml(cue.text)}</span>`,
  ])

  const calls = recordedCalls(recording)
  const callRows = calls.slice(0, maxRows).map((call) => [
    escapeHtml(call.callId),
    escapeHtml(call.provider),
    escapeHtml(call.model),
    escapeHtml(call.status),
    escapeHtml(seconds(call.t)),
    escapeHtml(ms(call.latencyMs)),
    escapeHtml(ms(call.ttftMs)),
    escapeHtml(call.usage ? `${call.usage.inputTokens} / ${call.usage.outputTokens}` : ''),
    escapeHtml(call.costUsd === undefined ? '' : `$${call.costUsd}`),
    escapeHtml(call.finishReason),
    escapeHtml(call.error?.message),
  ])
  const toolRows = Object.entries(stats.tools).map(([name, tool]) => [escapeHtml(name), escapeHtml(tool.count), escapeHtml(tool.errors), escapeHtml(ms(tool.meanDurationMs))])
  const annotationRows = allAnnotations(recording).map((annotation) => [
    escapeHtml(annotation.kind),
    escapeHtml(annotation.key),
    escapeHtml(annotation.value),
    escapeHtml(annotation.target === 'session' ? 'session' : 'eventId' in annotation.target ? `event ${annotation.target.eventId}` : `${seconds(annotation.target.fromT)} – ${seconds(annotation.target.toT)}`),
    escapeHtml(annotation.origin),
  ])
  const more = (shown: number, total: number, what: string) => (total > shown ? `<p>${total - shown} more ${what} are left out.</p>` : '')

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left;vertical-align:top}
dl{display:grid;grid-template-columns:12rem 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
.msg{margin:.5rem 0;padding:.5rem .75rem;border-radius:.5rem;background:#f4f4f6}.msg.user{background:#e8f0fe}.msg.assistant{background:#eef7ee}
.who{font-weight:600;font-size:.85rem}.who span{font-weight:400;color:#666}.text{white-space:pre-wrap;word-break:break-word}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<h2>Statistics</h2>
<dl>${facts.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${value}</dd>`).join('')}</dl>
<h2>Conversation</h2>
${conversation.join('\n') || '<p>No messages.</p>'}
${more(conversation.length, messages.length, 'messages')}
${transcriptRows.length ? `<h2>Transcript</h2>\n${table(['time', 'speaker', 'text'], transcriptRows)}\n${more(transcriptRows.length, cues.length, 'transcript lines')}` : ''}
<h2>Provider calls</h2>
${callRows.length ? table(['call', 'provider', 'model', 'status', 'start', 'latency', 'TTFT', 'tokens in / out', 'cost', 'finish', 'error'], callRows) : '<p>No calls.</p>'}
${more(callRows.length, calls.length, 'calls')}
<h2>Tools</h2>
${toolRows.length ? table(['tool', 'calls', 'errors', 'mean duration'], toolRows) : '<p>No tool calls.</p>'}
<h2>Annotations</h2>
${annotationRows.length ? table(['kind', 'key', 'value', 'target', 'origin'], annotationRows) : '<p>No annotations.</p>'}
</body></html>
`
}
