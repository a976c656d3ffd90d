/**
 * The seek index of a recording: a time key per event, and the fold state (counts, sums, calls
 * and tools in flight) captured every K events. The state at any playhead is a binary search for
 * how many events have happened, then a fold of at most K - 1 events from the checkpoint before
 * it: O(log n + K) whatever the length of the session.
 */
import type { SnapshotCreatedData, TapedeckEvent, TokenUsage, TranscriptSegmentData } from '@tapedeck/core'
import { recordedAnnotations } from '../annotations/annotate'
import type { Annotation } from '../annotations/Annotation'
import type { Recording } from '../recording/Recording'
import { upperBound } from '../util/upperBound'
import type {
  ActiveAudio,
  InFlightCall,
  InFlightTool,
  PlaybackState,
  PlayedMessage,
  SnapshotMarker,
  TranscriptLine,
  UsageTotals,
} from './PlaybackState'

interface FoldState {
  messages: number
  finals: number
  snapshots: number
  calls: Map<string, InFlightCall>
  tools: Map<string, InFlightTool>
  costUsd: number
  inputTokens: number
  outputTokens: number
  cachedTokens: number
  reasoningTokens: number
  finished: number
  failed: number
}

interface SnapshotEntry extends SnapshotMarker {
  index: number
}

interface AudioSpan {
  blobId: string
  part: number
  mimeType: string
  startT: number
  durationMs: number
  end: number
  blobStartT: number
}

export const DEFAULT_CHECKPOINT_EVERY = 128
/** How many earlier segments a caption lookup looks back over for ones still running. */
const CAPTION_LOOKBACK = 32

function emptyFold(): FoldState {
  return {
    messages: 0,
    finals: 0,
    snapshots: 0,
    calls: new Map(),
    tools: new Map(),
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
    finished: 0,
    failed: 0,
  }
}

function copyFold(state: FoldState): FoldState {
  return { ...state, calls: new Map(state.calls), tools: new Map(state.tools) }
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

function addUsage(state: FoldState, data: Record<string, unknown>): void {
  state.costUsd += num(data.costUsd)
  const usage = data.usage as Partial<TokenUsage> | undefined
  if (usage && typeof usage === 'object') {
    state.inputTokens += num(usage.inputTokens)
    state.outputTokens += num(usage.outputTokens)
    state.cachedTokens += num(usage.cachedTokens)
    state.reasoningTokens += num(usage.reasoningTokens)
  }
}

export class PlaybackIndex {
  readonly events: readonly TapedeckEvent[]
  /** `t` of each event, never going back (a later event with a smaller `t` takes the one before it). */
  readonly times: Float64Array
  readonly duration: number
  readonly checkpointEvery: number
  private readonly checkpoints: FoldState[] = []
  private readonly messages: PlayedMessage[] = []
  private readonly finals: TranscriptLine[] = []
  private readonly finalsByStart: TranscriptLine[]
  readonly snapshots: SnapshotEntry[] = []
  private readonly audio: Record<'input' | 'output', AudioSpan[]>
  private readonly recorded: Annotation[]
  private eventTimes: Map<string, number | undefined> | undefined

  constructor(
    private readonly recording: Recording,
    checkpointEvery = DEFAULT_CHECKPOINT_EVERY,
  ) {
    if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) throw new RangeError('checkpointEvery must be a positive integer')
    this.checkpointEvery = checkpointEvery
    const events = (this.events = recording.events)
    const times = (this.times = new Float64Array(events.length))
    const state = emptyFold()
    let last = 0
    let latest = 0
    for (let i = 0; i < events.length; i++) {
      if (i % checkpointEvery === 0) this.checkpoints.push(copyFold(state))
      const event = events[i]!
      last = Math.max(last, event.t)
      times[i] = last
      this.collect(event, i)
      this.apply(state, event)
      latest = Math.max(latest, event.t)
    }
    if (events.length % checkpointEvery === 0) this.checkpoints.push(copyFold(state))
    this.finalsByStart = [...this.finals].sort((a, b) => a.startT - b.startT)
    for (const line of this.finals) latest = Math.max(latest, line.endT)

    this.audio = { input: this.spans('input'), output: this.spans('output') }
    for (const span of [...this.audio.input, ...this.audio.output]) latest = Math.max(latest, span.end)
    this.recorded = recordedAnnotations(events)
    this.duration = latest
  }

  /** Builds the lists that only grow (messages, final transcript segments, snapshots). */
  private collect(event: TapedeckEvent, index: number): void {
    const data = event.data as Record<string, unknown>
    switch (event.type) {
      case 'message.created': {
        const message: PlayedMessage = {
          messageId: typeof data.messageId === 'string' ? data.messageId : `${event.seq}`,
          role: typeof data.role === 'string' ? data.role : 'unknown',
          seq: event.seq,
          t: event.t,
        }
        if (typeof data.content === 'string') message.content = data.content
        if (Array.isArray(data.parts)) message.parts = data.parts
        this.messages.push(message)
        break
      }
      case 'transcript.segment': {
        const segment = data as Partial<TranscriptSegmentData>
        if (segment.final === false || typeof segment.text !== 'string') break
        const line: TranscriptLine = {
          speaker: typeof segment.speaker === 'string' ? segment.speaker : 'unknown',
          text: segment.text,
          startT: num(segment.startT),
          endT: Math.max(num(segment.startT), num(segment.endT)),
          final: true,
          seq: event.seq,
        }
        if (typeof segment.confidence === 'number') line.confidence = segment.confidence
        this.finals.push(line)
        break
      }
      case 'snapshot.created': {
        const snapshot = data as Partial<SnapshotCreatedData>
        const entry: SnapshotEntry = {
          snapshotId: typeof snapshot.snapshotId === 'string' ? snapshot.snapshotId : `${event.seq}`,
          seq: event.seq,
          t: event.t,
          index,
        }
        if (typeof snapshot.description === 'string') entry.description = snapshot.description
        this.snapshots.push(entry)
        break
      }
    }
  }

  /** The fold: what one event changes in the counts, sums and in-flight maps. */
  private apply(state: FoldState, event: TapedeckEvent): void {
    const data = event.data as Record<string, unknown>
    switch (event.type) {
      case 'message.created':
        state.messages++
        break
      case 'transcript.segment':
        if (data.final !== false && typeof data.text === 'string') state.finals++
        break
      case 'snapshot.created':
        state.snapshots++
        break
      case 'provider.call.started':
        if (typeof data.callId === 'string') {
          const call: InFlightCall = { callId: data.callId, seq: event.seq, t: event.t }
          if (typeof data.provider === 'string') call.provider = data.provider
          if (typeof data.model === 'string') call.model = data.model
          state.calls.delete(data.callId)
          state.calls.set(data.callId, call)
        }
        break
      case 'provider.call.completed':
      case 'provider.call.failed':
        if (typeof data.callId === 'string') state.calls.delete(data.callId)
        state.finished++
        if (event.type === 'provider.call.failed') state.failed++
        addUsage(state, data)
        break
      case 'tool.call.started':
        if (typeof data.toolCallId === 'string') {
          const tool: InFlightTool = { toolCallId: data.toolCallId, name: typeof data.name === 'string' ? data.name : 'unknown', seq: event.seq, t: event.t }
          if (data.args !== undefined) tool.args = data.args
          state.tools.delete(data.toolCallId)
          state.tools.set(data.toolCallId, tool)
        }
        break
      case 'tool.call.completed':
        if (typeof data.toolCallId === 'string') state.tools.delete(data.toolCallId)
        break
    }
  }

  private spans(track: 'input' | 'output'): AudioSpan[] {
    const parts = this.recording.blobs.track(track).filter((part) => typeof part.startT === 'number')
    const sorted = [...parts].sort((a, b) => a.startT! - b.startT!)
    const blobStart = new Map<string, number>()
    for (const part of sorted) if (!blobStart.has(part.blobId)) blobStart.set(part.blobId, part.startT!)
    return sorted.map((part, i) => {
      // A part without a length lasts until the next one starts.
      const durationMs = part.durationMs ?? Math.max(0, (sorted[i + 1]?.startT ?? part.startT!) - part.startT!)
      return {
        blobId: part.blobId,
        part: part.part,
        mimeType: part.mimeType,
        startT: part.startT!,
        durationMs,
        end: part.startT! + durationMs,
        blobStartT: blobStart.get(part.blobId)!,
      }
    })
  }

  /** How many events have happened at `position` (those with a time key <= position). */
  appliedAt(position: number): number {
    return upperBound(this.times, position)
  }

  private foldTo(applied: number): FoldState {
    const c = Math.min(Math.floor(applied / this.checkpointEvery), this.checkpoints.length - 1)
    const state = copyFold(this.checkpoints[c]!)
    for (let i = c * this.checkpointEvery; i < applied; i++) this.apply(state, this.events[i]!)
    return state
  }

  private activeAudio(track: 'input' | 'output', position: number): ActiveAudio | null {
    const spans = this.audio[track]
    let lo = 0
    let hi = spans.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (spans[mid]!.startT <= position) lo = mid + 1
      else hi = mid
    }
    const span = spans[lo - 1]
    if (!span || position >= span.end) return null
    return {
      blobId: span.blobId,
      part: span.part,
      mimeType: span.mimeType,
      startT: span.startT,
      durationMs: span.durationMs,
      offsetMs: position - span.startT,
      blobStartT: span.blobStartT,
    }
  }

  private caption(position: number): TranscriptLine[] {
    const lines = this.finalsByStart
    let lo = 0
    let hi = lines.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (lines[mid]!.startT <= position) lo = mid + 1
      else hi = mid
    }
    const current: TranscriptLine[] = []
    for (let i = lo - 1; i >= 0 && i >= lo - CAPTION_LOOKBACK; i--) {
      const line = lines[i]!
      if (line.endT >= position) current.unshift(line)
    }
    return current
  }

  private timeOfEvent(id: string): number | undefined {
    if (!this.eventTimes?.has(id)) {
      // Only the ids annotations name, found in one pass (a map of every id costs ~60 ms at 100k
      // events); looked up again only when an annotation names a new one.
      const wanted = new Set<string>([id])
      for (const list of [this.recorded, this.recording.annotations]) {
        for (const annotation of list) {
          const target = annotation.target
          if (typeof target === 'object' && 'eventId' in target) wanted.add(target.eventId)
        }
      }
      const times = new Map<string, number | undefined>([...wanted].map((one) => [one, undefined]))
      for (let i = 0; i < this.events.length; i++) {
        const eventId = this.events[i]!.id
        if (wanted.has(eventId)) times.set(eventId, this.times[i]!)
      }
      this.eventTimes = times
    }
    return this.eventTimes?.get(id)
  }

  activeAnnotations(position: number): Annotation[] {
    const active: Annotation[] = []
    for (const list of [this.recorded, this.recording.annotations]) {
      for (const annotation of list) {
        const target = annotation.target
        if (target === 'session') active.push(annotation)
        else if ('eventId' in target) {
          const t = this.timeOfEvent(target.eventId)
          if (t !== undefined && t <= position) active.push(annotation)
        } else if (target.fromT <= position && position <= target.toT) active.push(annotation)
      }
    }
    return active
  }

  /** The state at a playhead position (clamped to 0…duration by the player, not here). */
  stateAt(position: number): PlaybackState {
    const applied = this.appliedAt(position)
    const fold = this.foldTo(applied)
    const lastEvent = applied > 0 ? this.events[applied - 1]! : null
    const usage: UsageTotals = {
      costUsd: Math.round(fold.costUsd * 1e9) / 1e9,
      inputTokens: fold.inputTokens,
      outputTokens: fold.outputTokens,
      cachedTokens: fold.cachedTokens,
      reasoningTokens: fold.reasoningTokens,
      calls: fold.finished,
      failedCalls: fold.failed,
    }
    const snapshot = fold.snapshots > 0 ? this.snapshots[fold.snapshots - 1]! : null
    const messages = this.messages
    const finals = this.finals
    let messageView: readonly PlayedMessage[] | undefined
    let segmentView: readonly TranscriptLine[] | undefined
    const transcript = {
      get segments(): readonly TranscriptLine[] {
        return (segmentView ??= finals.slice(0, fold.finals))
      },
      current: this.caption(position),
    }
    const state: PlaybackState = {
      position,
      applied,
      lastSeq: lastEvent ? lastEvent.seq : -1,
      lastEvent,
      // The prefix is copied on first read only: seeking does not pay for long conversations.
      get messages(): readonly PlayedMessage[] {
        return (messageView ??= messages.slice(0, fold.messages))
      },
      callsInFlight: [...fold.calls.values()],
      toolsInFlight: [...fold.tools.values()],
      usage,
      audio: { input: this.activeAudio('input', position), output: this.activeAudio('output', position) },
      transcript,
      annotations: this.activeAnnotations(position),
      snapshot: snapshot && { snapshotId: snapshot.snapshotId, ...(snapshot.description !== undefined ? { description: snapshot.description } : {}), seq: snapshot.seq, t: snapshot.t },
    }
    return state
  }
}
