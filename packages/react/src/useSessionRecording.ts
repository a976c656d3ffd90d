import { useEffect, useInsertionEffect, useMemo, useRef, useState } from 'react'
import { createId } from '@tapedeck/core'
import type {
  AnnotationInput,
  FeedbackSubmittedData,
  Interaction,
  JsonObject,
  MessageCreatedData,
  MessageRole,
  Recorder,
  RecorderState,
  RecorderStatus,
  SessionInfo,
  SessionMetadata,
  SnapshotInput,
  StartOptions,
  StopResult,
  UserActionData,
} from '@tapedeck/core'
import { payload } from './payload'
import { recordToolCall, type ToolCallInput } from './recordToolCall'
import { useRecorder } from './useRecorder'
import { useRecorderStatus } from './useRecorderStatus'

export interface SessionRecordingOptions extends SessionMetadata {
  /** Continue this session (a conversation id), or create it with this id. */
  sessionId?: string
  /**
   * Start a session when the component mounts (once, also under StrictMode) and end it when the
   * component unmounts. A `sessionId` continues that session; changing it switches sessions.
   */
  autoStart?: boolean
}

export interface SessionRecording {
  /** The session being recorded, by this component or another; `null` when none. */
  sessionId: string | null
  /** `idle` (no session), `recording`, `paused` or `closed`. */
  status: RecorderState
  /** Why `autoStart` could not start a session (another session is being recorded, say). */
  error: Error | null
  /** Starts a session with the hook's metadata, overridden by `options`. */
  start(options?: StartOptions): Promise<SessionInfo>
  /** Records `message.created`; returns the message id (`extra.messageId`, or a new one). */
  recordMessage(role: MessageRole, content: string, extra?: Partial<MessageCreatedData>): string
  /** Records `provider.call.started` + `provider.call.completed` (or `.failed`); returns the call id. */
  recordInteraction(interaction: Interaction): string
  /** Records `tool.call.started` + `tool.call.completed`; returns the tool call id. */
  recordToolCall(call: ToolCallInput): string
  /** Records `user.action`. */
  recordAction(kind: UserActionData['kind'], target?: UserActionData['target'], extra?: JsonObject): void
  /** Records `snapshot.created` (a checkpoint); returns its id. */
  snapshot(input: SnapshotInput): string
  /** Records `annotation.added`; returns its id. */
  annotate(input: AnnotationInput): string
  /** Records `feedback.submitted`. */
  feedback(input: FeedbackSubmittedData): void
  pause(): void
  resume(): void
  /** Ends the session (`session.ended`) and waits until it is durable. */
  stop(reason?: string): Promise<StopResult | undefined>
}

type Actions = Omit<SessionRecording, 'sessionId' | 'status' | 'error'>

interface Owned {
  /** The session this hook's autoStart started, which it ends on unmount. */
  id: string | null
  /** An unmount asked to end it; a mount that follows in the same commit (StrictMode) takes that back. */
  stopPending: boolean
  /** The end of the previous session, when switching: `stop()` finishes audio first, so it takes a moment. */
  stopping: Promise<void> | null
  /** Bumped by every effect cleanup: a start still waiting for `stopping` is called off. */
  attempt: number
}

/**
 * Per recorder, the end of a session an unmounted hook let go of. A hook mounted in the same
 * commit (a conversation replaced by another, with a new `key`) waits for it before starting.
 */
const ending = new WeakMap<Recorder, Promise<void>>()

const selectSession = (status: RecorderStatus) => ({ sessionId: status.session?.id ?? null, status: status.state })
const sameSession = (a: ReturnType<typeof selectSession>, b: ReturnType<typeof selectSession>) =>
  a.sessionId === b.sessionId && a.status === b.status

/**
 * Records a conversation with the recorder of the nearest `<RecorderProvider>`. The functions it
 * returns keep their identity across renders (safe in dependency arrays and for memoized
 * children); they read the latest options when called. The recording functions never throw
 * (unless the recorder is `strict`): what the recorder refuses (`no_active_session` before
 * `start()`, `not_serializable`, a payload that cannot be read…) goes to its status, `onError` and,
 * in development, the console.
 */
export function useSessionRecording(options: SessionRecordingOptions = {}): SessionRecording {
  const recorder = useRecorder()
  const { sessionId, autoStart = false } = options
  const latest = useRef(options)
  useInsertionEffect(() => {
    latest.current = options
  })
  const owned = useRef<Owned>({ id: null, stopPending: false, stopping: null, attempt: 0 })
  const [error, setError] = useState<Error | null>(null)

  const actions = useMemo((): Actions => {
    const record: Recorder['record'] = (type, data, recordOptions) => recorder.record(type, data, recordOptions)
    return {
      start: (overrides) => recorder.start({ ...startOptions(latest.current), ...overrides }),
      recordMessage: (role, content, extra) => {
        let messageId = ''
        record(
          'message.created',
          payload(() => {
            messageId = extra?.messageId ?? createId('msg_')
            return { ...extra, messageId, role, content }
          }),
        )
        return messageId
      },
      recordInteraction: (interaction) => recorder.recordInteraction(interaction),
      recordToolCall: (call) => recordToolCall(recorder, call),
      recordAction: (kind, target, extra) => {
        record('user.action', payload(() => ({ ...extra, kind, ...(target !== undefined && { target }) })))
      },
      snapshot: (input) => recorder.snapshot(input),
      annotate: (input) => recorder.annotate(input),
      feedback: (input) => {
        record('feedback.submitted', input)
      },
      pause: () => recorder.pause(),
      resume: () => recorder.resume(),
      stop: (reason) => {
        if (owned.current.id === recorder.getSnapshot().session?.id) owned.current.id = null
        return recorder.stop(reason)
      },
    }
  }, [recorder])

  useEffect(() => {
    if (!autoStart) return
    const state = owned.current
    // StrictMode's second mount (and Fast Refresh's) follows its unmount in the same commit,
    // before the stop below runs: take the stop back and keep recording.
    state.stopPending = false
    const current = recorder.getSnapshot().session?.id ?? null
    const mine = state.id !== null && state.id === current
    if (!mine || (sessionId !== undefined && sessionId !== state.id)) {
      if (mine) {
        const stopping: Promise<void> = recorder.stop('session-changed').then(
          () => undefined,
          () => undefined,
        )
        state.stopping = stopping
        void stopping.then(() => {
          if (state.stopping === stopping) state.stopping = null
        })
      }
      state.id = null
      const attempt = state.attempt
      const begin = () => {
        if (attempt !== state.attempt) return // unmounted, or the options changed again
        // `start()` takes the session synchronously and says so in the status: a session that
        // appears there is the one this call started (a rejected start leaves the status as it
        // was; the same id already running is not ours to end).
        const before = recorder.getSnapshot().session?.id ?? null
        const started = recorder.start({ ...startOptions(latest.current), ...(sessionId !== undefined && { sessionId }) })
        const after = recorder.getSnapshot().session?.id ?? null
        if (after !== null && after !== before) state.id = after
        started.then(
          () => setError(null),
          (cause: unknown) => setError(cause instanceof Error ? cause : new Error(String(cause))),
        )
      }
      if (state.stopping) {
        // Switching sessions: the new one starts once the old one has ended.
        void state.stopping.then(begin)
      } else if (current !== null && !mine) {
        // Another session is being recorded — perhaps by a hook unmounting in this same commit,
        // which decides in a microtask (queued before this one) to end it: wait for that end.
        queueMicrotask(() => {
          const previous = ending.get(recorder)
          if (previous) void previous.then(begin)
          else begin()
        })
      } else begin()
    }
    return () => {
      state.attempt++
      // Deferred to a microtask: after StrictMode's mount again (same commit), which cancels it,
      // and before the provider's close (a task later), so `session.ended` is stored first.
      state.stopPending = true
      queueMicrotask(() => {
        if (!state.stopPending) return
        state.stopPending = false
        if (state.id !== null && recorder.getSnapshot().session?.id === state.id) {
          const stopped: Promise<void> = recorder.stop('unmount').then(
            () => undefined,
            () => undefined,
          )
          ending.set(recorder, stopped)
          void stopped.then(() => {
            if (ending.get(recorder) === stopped) ending.delete(recorder)
          })
        }
        state.id = null
      })
    }
  }, [recorder, autoStart, sessionId])

  const { sessionId: activeId, status } = useRecorderStatus(selectSession, sameSession)
  return useMemo(() => ({ ...actions, sessionId: activeId, status, error }), [actions, activeId, status, error])
}

function startOptions({ userId, feature, label, tags, agentId, metadata, sessionId }: SessionRecordingOptions): StartOptions {
  return {
    ...(userId !== undefined && { userId }),
    ...(feature !== undefined && { feature }),
    ...(label !== undefined && { label }),
    ...(tags !== undefined && { tags }),
    ...(agentId !== undefined && { agentId }),
    ...(metadata !== undefined && { metadata }),
    ...(sessionId !== undefined && { sessionId }),
  }
}
