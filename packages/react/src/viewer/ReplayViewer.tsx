import { startTransition, useCallback, useEffect, useMemo, useState } from 'react'
import type { TapedeckEvent } from '@tapedeck/core'
import { allAnnotations, type Annotation, type AnnotationInput, type PlayedMessage, type Recording, type ReplayPlayer } from '@tapedeck/player'
import { AnnotationsPanel, type AnnotationSelection } from './AnnotationsPanel'
import { AudioTrackSync } from './AudioTrackSync'
import { CallsPanel } from './CallsPanel'
import { computeAnnotationMarks } from './computeTimelineMarks'
import { Conversation } from './Conversation'
import { firstMomentOf } from './firstMomentOf'
import { formatTime } from './formatTime'
import type { CallEntry } from './indexCalls'
import { SearchIndex, type SearchHit } from './SearchIndex'
import { SearchPanel } from './SearchPanel'
import { Timeline } from './Timeline'
import { UsagePanel } from './UsagePanel'
import { useReplayPlayer } from './useReplayPlayer'
import { ValidationResults } from './ValidationResults'
import { ViewerIcon } from './ViewerIcon'

export interface ReplayViewerProps {
  /** A recording from `loadRecording()` (`@tapedeck/player`): local, from a server, or a file. */
  recording: Recording
  /** A player of your own for this recording (to drive it from outside); default: the viewer makes one. */
  player?: ReplayPlayer
  /**
   * An annotation was added with the form. It is already in `recording.annotations` (out of
   * band, not an event of the session): store it where you keep reviews.
   */
  onAnnotate?(annotation: Annotation): void
  /** Written into the annotations the form adds. */
  author?: string
  /**
   * Where the playhead starts, ms. Default: the first message (`firstMomentOf`), so the viewer
   * never opens on an empty conversation at 0:00 when something was said later.
   */
  startAt?: number
  /** Playback speeds offered. Default 0.5, 1, 2, 4, 8, 16. */
  speeds?: readonly number[]
  className?: string
}

const SPEEDS = [0.5, 1, 2, 4, 8, 16]

/**
 * A session player: timeline with checkpoints, errors and annotations; play, pause and speed;
 * the conversation as it stood at the playhead; the audio tracks in sync; the checks' verdicts
 * (`evaluate()` of `@tapedeck/player`), each with the events it points at; every LLM call with
 * its model, tokens, cost, latency and time to first token; search across prompts and
 * responses; an annotation form. Unstyled but usable: class names `tapedeck-*` and the CSS
 * variables of `@tapedeck/react/viewer.css`.
 *
 * Built for long sessions: everything derived from the events (messages, calls, marks, the
 * search text) is computed once per recording; the lists render only their visible rows; a
 * frame of playback re-renders the playhead, not the history.
 */
export function ReplayViewer(props: ReplayViewerProps) {
  // The first render is light (and all a server renders); the heavy one — the player's seek
  // index, the calls, the marks, the statistics — runs in a transition, which React splits into
  // tasks between components, so a long session never blocks the page in one piece.
  const [prepared, setPrepared] = useState<Recording | null>(null)
  useEffect(() => {
    startTransition(() => setPrepared(props.recording))
  }, [props.recording])
  if (prepared !== props.recording) {
    return (
      <div className={props.className ? `tapedeck-viewer ${props.className}` : 'tapedeck-viewer'} aria-busy="true">
        <p className="tapedeck-muted">{`Preparing ${props.recording.events.length} events…`}</p>
      </div>
    )
  }
  return <Viewer {...props} />
}

function Viewer({ recording, player: given, onAnnotate, author, startAt, speeds = SPEEDS, className }: ReplayViewerProps) {
  // A player the viewer makes starts at the first message (or where the app asked).
  const { player, snapshot } = useReplayPlayer(recording, given, startAt ?? firstMomentOf(recording.events))
  const { events } = recording
  const { position, duration, playing, rate, state } = snapshot
  const findEvent = useMemo(() => eventFinder(events), [events])

  // Annotations change when the form adds one (`recording.annotations` is replaced).
  const external = recording.annotations
  const annotations = useMemo(() => allAnnotations(recording), [recording, external])
  const timeOfEvent = useCallback((id: string) => findEvent.byId(id)?.t, [findEvent])
  const annotationMarks = useMemo(() => computeAnnotationMarks(annotations, duration, timeOfEvent), [annotations, duration, timeOfEvent])
  const timeOfAnnotation = useCallback(
    (a: Annotation) => (a.target === 'session' ? undefined : 'fromT' in a.target ? a.target.fromT : (a.t ?? timeOfEvent(a.target.eventId))),
    [timeOfEvent],
  )
  const search = useMemo(() => new SearchIndex(events), [events])

  const [follow, setFollow] = useState(true)
  const [muted, setMuted] = useState(false)
  const [selectedCall, setSelectedCall] = useState<string | null>(null)
  const [selectedMessage, setSelectedMessage] = useState<number | null>(null)
  const [selection, setSelection] = useState<AnnotationSelection | null>(null)

  const seek = useCallback((to: number) => player.seek(to), [player])
  const selectMessage = useCallback(
    (message: PlayedMessage) => {
      setSelectedMessage(message.seq)
      const event = findEvent.bySeq(message.seq)
      if (event) setSelection({ eventId: event.id, label: `${message.role} message at ${formatTime(message.t)}` })
    },
    [findEvent],
  )
  const selectCall = useCallback(
    (call: CallEntry) => {
      setSelectedCall(call.callId)
      const event = events[call.startIndex ?? call.endIndex ?? -1]
      if (event) setSelection({ eventId: event.id, label: `${call.model ?? 'call'} at ${formatTime(call.t)}` })
      if (call.t > player.position) player.seek(call.t)
    },
    [events, player],
  )
  // Seeks to an event and selects it (for the annotation form; a call's in the calls list too).
  const goToEvent = useCallback(
    (event: TapedeckEvent, label: string) => {
      player.seek(event.t)
      setSelection({ eventId: event.id, label: `${label} at ${formatTime(event.t)}` })
      const callId = (event.data as { callId?: unknown }).callId
      if (event.type.startsWith('provider.call.') && typeof callId === 'string') setSelectedCall(callId)
    },
    [player],
  )
  const pickHit = useCallback((hit: SearchHit) => goToEvent(events[hit.index]!, hit.field), [goToEvent, events])
  const pickVerdictEvent = useCallback((event: TapedeckEvent) => goToEvent(event, event.type), [goToEvent])
  const addAnnotation = useCallback(
    (input: AnnotationInput) => {
      const annotation = player.annotate(author !== undefined ? { ...input, author } : input)
      onAnnotate?.(annotation)
    },
    [player, author, onAnnotate],
  )

  return (
    <div className={className ? `tapedeck-viewer ${className}` : 'tapedeck-viewer'} data-playing={playing}>
      <div className="tapedeck-controls" role="toolbar" aria-label="Playback">
        <button type="button" onClick={() => (playing ? player.pause() : player.play())} aria-label={playing ? 'Pause' : 'Play'}>
          <ViewerIcon name={playing ? 'pause' : 'play'} />
        </button>
        <output className="tapedeck-clock" aria-label="Playhead">{`${formatTime(position)} / ${formatTime(duration)}`}</output>
        <label>
          speed{' '}
          <select value={rate} onChange={(e) => player.setRate(Number(e.target.value))}>
            {speeds.map((speed) => (
              <option key={speed} value={speed}>{`${speed}×`}</option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        {recording.blobs.parts.length > 0 && (
          <label>
            <input type="checkbox" checked={!muted} onChange={(e) => setMuted(!e.target.checked)} /> audio
          </label>
        )}
      </div>
      <Timeline events={events} duration={duration} position={position} annotationMarks={annotationMarks} onSeek={seek} />
      {state.transcript.current.length > 0 && (
        <p className="tapedeck-caption" aria-live="polite">
          {state.transcript.current.map((line) => `${line.speaker}: ${line.text}`).join('  ')}
        </p>
      )}
      <AudioTrackSync blobs={recording.blobs} track="input" active={state.audio.input} position={position} playing={playing} rate={rate} muted={muted} />
      <AudioTrackSync blobs={recording.blobs} track="output" active={state.audio.output} position={position} playing={playing} rate={rate} muted={muted} />
      <div className="tapedeck-panes">
        <Conversation player={player} state={state} follow={follow} selectedSeq={selectedMessage} onSelect={selectMessage} />
        <aside className="tapedeck-side">
          <ValidationResults recording={recording} onSelectEvent={pickVerdictEvent} />
          <UsagePanel recording={recording} usage={state.usage} />
          <CallsPanel events={events} position={position} selectedId={selectedCall} onSelect={selectCall} />
          <SearchPanel index={search} onPick={pickHit} />
          <AnnotationsPanel
            annotations={annotations}
            active={state.annotations}
            position={position}
            selection={selection}
            onAdd={addAnnotation}
            timeOf={timeOfAnnotation}
            onSeek={seek}
          />
        </aside>
      </div>
      {!recording.complete && (
        <p className="tapedeck-muted">{recording.gaps.length > 0 ? `Incomplete: ${recording.gaps.length} gap(s) in seq.` : 'The session has not ended (or its end was not received).'}</p>
      )}
    </div>
  )
}

/** Events by seq (binary search: they are in seq order) and by id (a map, made on first use). */
function eventFinder(events: readonly TapedeckEvent[]) {
  let ids: Map<string, TapedeckEvent> | undefined
  return {
    bySeq(seq: number): TapedeckEvent | undefined {
      let low = 0
      let high = events.length - 1
      while (low <= high) {
        const mid = (low + high) >>> 1
        const at = events[mid]!.seq
        if (at === seq) return events[mid]
        if (at < seq) low = mid + 1
        else high = mid - 1
      }
      return undefined
    },
    byId(id: string): TapedeckEvent | undefined {
      ids ??= new Map(events.map((event) => [event.id, event]))
      return ids.get(id)
    },
  }
}
