import { memo, useCallback, useMemo } from 'react'
import type { PlaybackState, PlayedMessage, ReplayPlayer } from '@tapedeck/player'
import { formatTime } from './formatTime'
import { WindowedList } from './WindowedList'
import { upperBound } from './upperBound'

export interface ConversationProps {
  player: ReplayPlayer
  /** The state at the playhead. */
  state: PlaybackState
  /** Keep the latest message in view as the playhead moves. */
  follow: boolean
  selectedSeq: number | null
  onSelect(message: PlayedMessage): void
}

/** The conversation as it stood at the playhead, windowed: only the rows in view are rendered. */
export function Conversation({ player, state, follow, selectedSeq, onSelect }: ConversationProps) {
  // Every message, once; at the playhead the first `count` have happened (those up to the last
  // event applied, in seq order): a binary search per frame, not a copy of the list.
  const messages = useMemo(() => player.getStateAt(player.duration).messages, [player])
  const seqs = useMemo(() => Float64Array.from(messages, (m) => m.seq), [messages])
  const count = upperBound(seqs, state.lastSeq)
  const { callsInFlight, toolsInFlight, position } = state
  const renderRow = useCallback(
    (index: number) => {
      const message = messages[index]!
      return <MessageRow message={message} selected={message.seq === selectedSeq} onSelect={onSelect} />
    },
    [messages, selectedSeq, onSelect],
  )
  const rowKey = useCallback((index: number) => messages[index]!.seq, [messages])
  return (
    <section className="tapedeck-conversation" aria-label="Conversation">
      <WindowedList
        className="tapedeck-conversation__list"
        label="Messages"
        testId="tapedeck-messages"
        count={count}
        renderRow={renderRow}
        rowKey={rowKey}
        estimatedRowHeight={64}
        scrollToIndex={follow ? count - 1 : null}
      />
      {count === 0 && <p className="tapedeck-muted">No message yet at this point.</p>}
      {(callsInFlight.length > 0 || toolsInFlight.length > 0) && (
        <ul className="tapedeck-inflight" aria-label="In progress">
          {callsInFlight.map((call) => (
            <li key={call.callId}>{`${call.model ?? 'model'} is answering… ${formatTime(position - call.t)}`}</li>
          ))}
          {toolsInFlight.map((tool) => (
            <li key={tool.toolCallId}>{`running ${tool.name}… ${formatTime(position - tool.t)}`}</li>
          ))}
        </ul>
      )}
    </section>
  )
}

const MessageRow = memo(function MessageRow({ message, selected, onSelect }: { message: PlayedMessage; selected: boolean; onSelect(message: PlayedMessage): void }) {
  return (
    <article
      className={`tapedeck-message tapedeck-message--${message.role}`}
      data-seq={message.seq}
      aria-current={selected || undefined}
      tabIndex={0}
      onClick={() => onSelect(message)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault()
          onSelect(message)
        }
      }}
    >
      <header>
        <span className="tapedeck-message__role">{message.role}</span> <time className="tapedeck-muted">{formatTime(message.t)}</time>
      </header>
      <p className="tapedeck-message__text">{messageText(message)}</p>
    </article>
  )
})


function messageText(message: PlayedMessage): string {
  if (message.content !== undefined) return message.content
  if (!message.parts) return ''
  return message.parts
    .map((part) => {
      const p = part as { type?: unknown; text?: unknown; toolName?: unknown }
      if (typeof p.text === 'string') return p.text
      if (typeof p.toolName === 'string') return `[${p.toolName}]`
      return typeof p.type === 'string' ? `[${p.type}]` : ''
    })
    .filter(Boolean)
    .join(' ')
}
