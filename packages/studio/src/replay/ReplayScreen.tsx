import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { computeStats, type Recording, type RecordingStats } from '@tapedeck/player'
import {
  AudioTrackSync,
  CallDetailsView,
  computeActivityMarks,
  formatMs,
  formatTime,
  indexCalls,
  SpeechPanel,
  Timeline,
  upperBound,
  useReplayPlayer,
  type TimelineMark,
} from '@tapedeck/react/viewer'
import { annotationEnd, annotationTime, describeAnnotation } from '../api/annotationTime'
import type { ReviewAnnotation } from '../api/types'
import { formatCost, formatCount, formatDate } from '../format'
import { Icon } from '../icons/Icon'
import { href } from '../routing/useRoute'
import { ReviewTools } from '../review/ReviewTools'
import { useReview } from '../review/useReview'
import { ActivityList, type ActivityRow } from './ActivityList'
import { buildActivity } from './buildActivity'
import { DownloadButton } from './DownloadButton'
import { ShareButton } from './ShareButton'
import { startPosition } from './startPosition'
import { useSkipInactivity } from './useSkipInactivity'
import { Waveform } from './Waveform'

const SPEEDS = [0.5, 1, 2, 4, 8]

export interface ReplayScreenProps {
  recording: Recording
  params: URLSearchParams
  /** The review annotations when the page opened (for `?annotation=`); kept current by useReview after. */
  initialAnnotations: readonly ReviewAnnotation[]
  /** False when the server keeps no annotations (an older server) or the key only reads: the review tools are hidden. */
  reviewAvailable: boolean
  /** Opened through a share link: read only, no Share button. */
  shared: boolean
  /** False while `recording` is the first page of a long session and the rest is still loading. Default true. */
  complete?: boolean
  /** Streams linked to the session (its backend's, docs/server.md "Linked streams"), each a session of its own. */
  streams?: readonly string[]
}

/**
 * The replay: one timeline with every kind of moment marked, the audio as a waveform with the
 * transcript, the conversation with tool calls, actions, errors and annotations in time order,
 * the selected call's details in a side panel nothing covers, and the review tools.
 */
export function ReplayScreen({ recording, params, initialAnnotations, reviewAvailable, shared, complete = true, streams = [] }: ReplayScreenProps) {
  const { events } = recording
  const [startAt] = useState(() => startPosition(params, events, initialAnnotations))
  // When the whole recording replaces its first page, the new player carries on where the old one was.
  const carried = useRef<{ position: number; playing: boolean } | null>(null)
  const { player, snapshot } = useReplayPlayer(recording, undefined, carried.current?.position ?? startAt)
  useEffect(() => {
    if (carried.current?.playing) player.play()
  }, [player])
  useEffect(() => {
    carried.current = { position: snapshot.position, playing: snapshot.playing }
  }, [snapshot.position, snapshot.playing])
  const { position, duration, playing, rate, state } = snapshot
  const review = useReview(recording.sessionId)
  const annotations = review.loading ? initialAnnotations : review.annotations

  const activity = useMemo(() => buildActivity(events), [events])
  // 400 slots a lane: a mark every 3 px or so on a desktop timeline.
  const activityMarks = useMemo(() => computeActivityMarks(events, duration, 400), [events, duration])
  const calls = useMemo(() => indexCalls(events), [events])
  const callStarts = useMemo(() => Float64Array.from(calls, (call) => call.t), [calls])
  // The header's figures wait for the first paint: the replay is usable before they are counted.
  const [stats, setStats] = useState<RecordingStats | null>(null)
  useEffect(() => {
    const handle = setTimeout(() => setStats(computeStats(recording)), 0)
    return () => clearTimeout(handle)
  }, [recording])
  const lines = useMemo(
    () =>
      events.flatMap((event) => {
        const data = event.data as { speaker?: unknown; text?: unknown; startT?: unknown; endT?: unknown; final?: unknown }
        return event.type === 'transcript.segment' && data.final !== false && typeof data.startT === 'number' && typeof data.endT === 'number'
          ? [{ speaker: String(data.speaker ?? ''), text: String(data.text ?? ''), startT: data.startT, endT: data.endT }]
          : []
      }),
    [events],
  )
  const hasAudio = recording.blobs.parts.some((part) => part.track === 'input' || part.track === 'output')

  const timeOf = useCallback((annotation: ReviewAnnotation) => annotationTime(annotation, events), [events])
  const annotationMarks = useMemo<TimelineMark[]>(
    () =>
      annotations.flatMap((annotation) => {
        const t = timeOf(annotation)
        return t === undefined ? [] : [{ kind: 'annotation' as const, t, label: describeAnnotation(annotation), count: 1, ...(annotationEnd(annotation) !== undefined && { toT: annotationEnd(annotation)! }) }]
      }),
    [annotations, timeOf],
  )
  const rows = useMemo<ActivityRow[]>(() => {
    const notes: ActivityRow[] = annotations.flatMap((annotation) => {
      const t = timeOf(annotation)
      return t === undefined ? [] : [{ kind: 'annotation' as const, t, seq: -1, title: annotation.kind, text: describeAnnotation(annotation), annotationId: annotation.id }]
    })
    return notes.length === 0 ? activity : [...activity, ...notes].sort((a, b) => a.t - b.t)
  }, [activity, annotations, timeOf])

  // The call in the side panel: the one picked, else the last one started at the playhead.
  const [pickedCall, setPickedCall] = useState<string | null>(null)
  const shownCall = (pickedCall !== null ? calls.find((call) => call.callId === pickedCall) : undefined) ?? calls[upperBound(callStarts, position) - 1] ?? calls[0]
  const hitSeq = Number(params.get('hit') ?? Number.NaN)
  const [selectedSeq, setSelectedSeq] = useState<number | null>(Number.isInteger(hitSeq) ? hitSeq : null)

  const [skipIdle, setSkipIdle] = useState(true)
  const [muted, setMuted] = useState(false)
  const [follow, setFollow] = useState(true)
  useSkipInactivity(player, snapshot, events, skipIdle)
  const seek = useCallback((t: number) => player.seek(t), [player])
  const commentInput = useRef<HTMLTextAreaElement>(null)
  // For the e2e figure: when the replay is on screen and takes input.
  useEffect(() => {
    performance.mark('tapedeck-replay-ready')
  }, [])
  useEffect(() => {
    if (complete) performance.mark('tapedeck-replay-complete')
  }, [complete])

  // Space plays and pauses, arrows move 5 s, when the focus is not in a field or on a control.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement
      if (target.closest('input, textarea, select, button, a, [role=slider], [contenteditable]') || event.metaKey || event.ctrlKey || event.altKey) return
      if (event.key === ' ') {
        event.preventDefault()
        if (player.getSnapshot().playing) player.pause()
        else player.play()
      } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
        event.preventDefault()
        player.seek(player.position + (event.key === 'ArrowLeft' ? -5000 : 5000))
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [player])

  const meta = recording.metadata as { userId?: unknown; feature?: unknown; agentId?: unknown }
  const current = state.transcript.current
  return (
    <div className="page replay" data-session={recording.sessionId} data-complete={complete}>
      {!complete && (
        <p className="muted loading-rest" role="status">{`Showing the first ${events.length.toLocaleString('en-US')} events; loading the rest…`}</p>
      )}
      <header className="replay-head">
        <div>
          <h1>
            Session <code>{recording.sessionId}</code>
          </h1>
          <p className="muted small">
            {[formatDate(recording.startedAt), typeof meta.userId === 'string' ? `user ${meta.userId}` : '', typeof meta.feature === 'string' ? meta.feature : '']
              .filter(Boolean)
              .join(' · ')}
            {!recording.complete && <span className="pill pill--interrupted">{recording.gaps.length > 0 ? `${recording.gaps.length} gap(s)` : 'not ended'}</span>}
          </p>
        </div>
        <dl className="kpis" aria-label="Session figures">
          <div>
            <dt>Cost</dt>
            <dd>{stats ? formatCost(stats.costUsd) : '…'}</dd>
          </div>
          <div>
            <dt>Calls</dt>
            <dd>{stats ? stats.calls.total : '…'}</dd>
          </div>
          <div>
            <dt>Tokens</dt>
            <dd>{stats ? formatCount(stats.tokens.total) : '…'}</dd>
          </div>
          <div>
            <dt>Latency p95</dt>
            <dd>{stats ? formatMs(stats.calls.latencyMs.p95 ?? undefined) : '…'}</dd>
          </div>
          <div>
            <dt>Errors</dt>
            <dd className={stats && stats.errors.total > 0 ? 'bad' : undefined}>{stats ? stats.errors.total : '…'}</dd>
          </div>
        </dl>
        <DownloadButton sessionId={recording.sessionId} />
        {reviewAvailable && !shared && <ShareButton sessionId={recording.sessionId} />}
      </header>

      <div className="transport" role="toolbar" aria-label="Playback">
        <button type="button" className="play" onClick={() => (playing ? player.pause() : player.play())} aria-label={playing ? 'Pause' : 'Play'}>
          <Icon name={playing ? 'pause' : 'play'} filled />
        </button>
        <button type="button" onClick={() => seek(position - 5000)} aria-label="Back 5 seconds">
          <Icon name="back" />
        </button>
        <button type="button" onClick={() => seek(position + 5000)} aria-label="Forward 5 seconds">
          <Icon name="forward" />
        </button>
        <output className="clock" aria-label="Playhead">{`${formatTime(position)} / ${formatTime(duration)}`}</output>
        <label className="field inline">
          <span>Speed</span>
          <select value={rate} onChange={(event) => player.setRate(Number(event.target.value))}>
            {SPEEDS.map((speed) => (
              <option key={speed} value={speed}>{`${speed}×`}</option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={skipIdle} onChange={(event) => setSkipIdle(event.target.checked)} /> Skip inactivity
        </label>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} /> Follow
        </label>
        {hasAudio && (
          <button type="button" onClick={() => setMuted(!muted)} aria-label={muted ? 'Unmute audio' : 'Mute audio'} aria-pressed={muted}>
            <Icon name={muted ? 'mute' : 'volume'} />
          </button>
        )}
        <span className="legend" aria-hidden="true">
          <i className="lg lg--message" /> messages <i className="lg lg--tool" /> tools <i className="lg lg--action" /> actions <i className="lg lg--error" /> errors <i className="lg lg--annotation" /> notes
        </span>
      </div>
      <Timeline events={events} duration={duration} position={position} annotationMarks={annotationMarks} activityMarks={activityMarks} onSeek={seek} />
      {hasAudio && (
        <>
          <Waveform recording={recording} duration={duration} position={position} lines={lines} onSeek={seek} />
          <p className="caption" aria-live="polite" data-testid="caption">
            {current.length > 0 ? current.map((line) => `${line.speaker}: ${line.text}`).join('   ') : '\u00a0'}
          </p>
          <AudioTrackSync blobs={recording.blobs} track="input" active={state.audio.input} position={position} playing={playing} rate={rate} muted={muted} />
          <AudioTrackSync blobs={recording.blobs} track="output" active={state.audio.output} position={position} playing={playing} rate={rate} muted={muted} />
        </>
      )}

      <div className="replay-body">
        <ActivityList
          rows={rows}
          position={position}
          follow={follow}
          selectedSeq={selectedSeq}
          query={params.get('q') ?? ''}
          onPick={(row) => {
            player.seek(row.t)
            if (row.seq >= 0) setSelectedSeq(row.seq)
            if (row.callId) setPickedCall(row.callId)
          }}
        />
        <aside className="side" aria-label="Details and review">
          <section className="call-panel" aria-labelledby="call-title">
            <h2 id="call-title">
              {shownCall ? `LLM call at ${formatTime(shownCall.t)}` : 'LLM calls'}
              {pickedCall !== null && (
                <button type="button" className="link small" onClick={() => setPickedCall(null)}>
                  follow the playhead
                </button>
              )}
            </h2>
            {shownCall ? <CallDetailsView events={events} call={shownCall} /> : <p className="muted">No LLM call in this session.</p>}
          </section>
          {stats?.speech && (
            <div className="speech-panel">
              <h2>Voice</h2>
              <SpeechPanel speech={stats.speech} />
            </div>
          )}
          {streams.length > 0 && (
            <section aria-labelledby="streams-title">
              <h2 id="streams-title">Linked streams</h2>
              <ul className="stream-list">
                {streams.map((id) => (
                  <li key={id}>
                    <a href={href(['sessions', id])}>{id}</a>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {reviewAvailable && !shared && <ReviewTools review={review} position={position} timeOf={timeOf} onSeek={seek} commentInput={commentInput} />}
          {shared && annotations.length > 0 && (
            <section aria-label="Annotations">
              <h2>Annotations</h2>
              <ul className="annotation-list">
                {annotations.map((a) => (
                  <li key={a.id}>{describeAnnotation(a)}</li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </div>
    </div>
  )
}
