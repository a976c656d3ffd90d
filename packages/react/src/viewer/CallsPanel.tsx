import { useCallback, useMemo } from 'react'
import type { TapedeckEvent } from '@tapedeck/core'
import { formatMs, formatTime, formatUsd } from './formatTime'
import { FieldList } from './FieldList'
import { callDetails, indexCalls, type CallEntry } from './indexCalls'
import { WindowedList } from './WindowedList'

export interface CallsPanelProps {
  events: readonly TapedeckEvent[]
  position: number
  selectedId: string | null
  onSelect(call: CallEntry): void
}

/** Every LLM call, windowed, marked as done, running or still to come at the playhead; and the selected call's details. */
export function CallsPanel({ events, position, selectedId, onSelect }: CallsPanelProps) {
  const calls = useMemo(() => indexCalls(events), [events])
  const byId = useMemo(() => new Map(calls.map((call) => [call.callId, call])), [calls])
  const selected = selectedId === null ? null : (byId.get(selectedId) ?? null)
  const renderRow = useCallback(
    (index: number) => {
      const call = calls[index]!
      const phase = call.t > position ? 'future' : call.endT === undefined || call.endT > position ? 'running' : call.status
      return (
        <button
          type="button"
          className={`tapedeck-call tapedeck-call--${phase}`}
          aria-pressed={selected?.callId === call.callId}
          data-call={call.callId}
          onClick={() => onSelect(call)}
        >
          <time>{formatTime(call.t)}</time> <span>{call.model ?? 'unknown model'}</span> <span className="tapedeck-muted">{phase}</span>
        </button>
      )
    },
    [calls, position, selected, onSelect],
  )
  const rowKey = useCallback((index: number) => calls[index]!.callId, [calls])
  return (
    <section className="tapedeck-calls" aria-label="LLM calls">
      <h3>{`LLM calls (${calls.length})`}</h3>
      <WindowedList className="tapedeck-calls__list" label="Calls" count={calls.length} renderRow={renderRow} rowKey={rowKey} estimatedRowHeight={32} scrollToIndex={null} />
      {selected && <CallDetailsView events={events} call={selected} />}
    </section>
  )
}

/** One call's details: model, provider, status, tokens, cost, latency, time to first token, response, tool calls, prompt and parameters. */
export function CallDetailsView({ events, call }: { events: readonly TapedeckEvent[]; call: CallEntry }) {
  const details = useMemo(() => callDetails(events, call), [events, call])
  const usage = details.usage
  const response = details.response as { text?: unknown; toolCalls?: unknown } | string | undefined
  const text = typeof response === 'string' ? response : typeof response?.text === 'string' ? response.text : undefined
  const toolCalls = typeof response === 'object' && Array.isArray(response.toolCalls) ? response.toolCalls : []
  const rows: Array<[string, string]> = [
    ['model', details.model ?? '—'],
    ['provider', details.provider ?? '—'],
    ['status', details.status + (details.finishReason ? ` (${details.finishReason})` : '')],
    ['tokens in / out', usage ? `${usage.inputTokens} / ${usage.outputTokens}` : '—'],
    ['cached / reasoning', usage ? `${usage.cachedTokens ?? 0} / ${usage.reasoningTokens ?? 0}` : '—'],
    ['cost', formatUsd(details.costUsd)],
    ['latency', formatMs(details.latencyMs)],
    ['time to first token', formatMs(details.ttftMs)],
    ['started', formatTime(details.t)],
  ]
  return (
    <div className="tapedeck-call-details" aria-label="Call details" role="region">
      <FieldList rows={rows} />
      {details.error && <p className="tapedeck-error">{`${details.error.name ?? 'Error'}: ${details.error.message}`}</p>}
      {text ? <blockquote className="tapedeck-call-details__response">{text}</blockquote> : null}
      {toolCalls.length > 0 && (
        <ul className="tapedeck-call-details__tools" aria-label="Tool calls requested">
          {toolCalls.map((tool, i) => (
            <li key={i}>
              <code>{json(tool)}</code>
            </li>
          ))}
        </ul>
      )}
      {details.prompt && (
        <details>
          <summary>{`prompt (${details.prompt.length} messages)`}</summary>
          <pre>{json(details.prompt)}</pre>
        </details>
      )}
      {details.params && (
        <details>
          <summary>parameters</summary>
          <pre>{json(details.params)}</pre>
        </details>
      )}
    </div>
  )
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value)
  } catch {
    return String(value)
  }
}
