import type { JsonObject, MessageCreatedData, TapedeckEvent, ToolCallCompletedData } from '@tapedeck/core'
import { createInstrumentedFetch, type PriceTable } from '@tapedeck/core/instrument'
import type { Check } from '../eval/Check'
import { evaluate, type Evaluation } from '../eval/evaluate'
import { loadRecording } from '../load/loadRecording'
import { playerError } from '../playerError'
import type { Recording } from '../recording/Recording'
import { createReplayFetch, type ReplayLogEntry } from './createReplayFetch'
import { diffRuns, type RunDiff } from './diffRuns'

type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

/** What the app's conversation logic gets to run again. */
export interface ReplayRunContext {
  /**
   * The `fetch` to give the app's LLM client. It answers from the recording (`strict`, `loose`)
   * or reaches the model (`live`), and records every call into the new run.
   */
  fetch: FetchFunction
  /** Records the app's own events (messages, tool calls…) into the new run: `record(type, data)`. */
  recorder: { record(type: string, data: unknown): void }
  /** The user's turns as recorded (`message.created`, role `user`), in order. */
  userTurns: readonly string[]
  /**
   * The recorded outcome of the next call of this tool (by name, in recorded order): its
   * `result`, or its `error`; `found: false` when the recording has no call of it left.
   */
  toolResult(name: string): { found: boolean; result?: unknown; error?: unknown }
  signal: AbortSignal
}

export type ReplayMode = 'strict' | 'loose' | 'live'

export interface ReplaySessionOptions {
  /** The app's conversation logic: sends `userTurns` through its own agent with `fetch`, records what it does with `recorder`. */
  run(context: ReplayRunContext): Promise<void> | void
  /**
   * `strict` (default): the recording answers, and every request must be the recorded one (same
   * model and prompt); `loose`: the recording answers by model, then by position, and mismatched
   * requests are only reported in the diff; `live`: the real model answers (`fetch`), to see
   * whether a new prompt or model still passes the recorded conversation.
   */
  mode?: ReplayMode
  /** `live` mode: the fetch that reaches the model. Default `globalThis.fetch`. */
  fetch?: FetchFunction
  /** Checks evaluated on the new run (its annotations get the results). */
  checks?: readonly Check[]
  /** `recorded` waits the recorded times (replay modes). Default `instant`. */
  timing?: 'instant' | 'recorded'
  /** Prices for the new run's costs (merged over core's table). */
  prices?: PriceTable
  signal?: AbortSignal
}

export interface ReplayResult {
  mode: ReplayMode
  /** The new run, recorded: its own session id (`{original}~replay`), metadata `replayOf`. */
  recording: Recording
  diff: RunDiff
  /** Replay modes: how each request found its recorded answer. */
  log: readonly ReplayLogEntry[]
  /** `strict`: the requests (by index) that were not exactly the recorded ones. */
  mismatches: Array<{ index: number; match: ReplayLogEntry['match'] }>
  /** Replay modes: recorded calls the new run never asked for. */
  unused: number
  /** The checks on the new run (`null` without checks). */
  evaluation: Evaluation | null
  /** The run did not throw, the diff is empty, strict found every request, and every check passed. */
  passed: boolean
  /** What the run threw, if it did. */
  error?: { message: string; name?: string }
}

function userTurnsOf(events: readonly TapedeckEvent[]): string[] {
  return events
    .filter((event) => event.type === 'message.created' && (event.data as MessageCreatedData).role === 'user')
    .map((event) => (event.data as MessageCreatedData).content ?? '')
}

function toolOutcomesOf(events: readonly TapedeckEvent[]): Map<string, ToolCallCompletedData[]> {
  const byName = new Map<string, ToolCallCompletedData[]>()
  for (const event of events) {
    if (event.type !== 'tool.call.completed') continue
    const data = event.data as ToolCallCompletedData
    if (typeof data.name !== 'string') continue
    let queue = byName.get(data.name)
    if (!queue) byName.set(data.name, (queue = []))
    queue.push(data)
  }
  return byName
}

/**
 * Re-runs a recorded conversation through the app's own logic: the recorded user turns and tool
 * results go in, the LLM calls are answered by `createReplayFetch` (or, `live`, by the model),
 * and everything the new run does is recorded. Returns the diff against the recording (the
 * conversation turn by turn, the tool calls, the request parameters) and the checks evaluated on
 * the new run. The recording itself is only read.
 */
export async function replaySession(recording: Recording, options: ReplaySessionOptions): Promise<ReplayResult> {
  if (typeof options?.run !== 'function') throw playerError('invalid_options', 'replaySession needs run(context): the app logic to run again.')
  const mode = options.mode ?? 'strict'
  if (mode !== 'strict' && mode !== 'loose' && mode !== 'live') throw playerError('invalid_options', `replaySession mode is "strict", "loose" or "live", not ${JSON.stringify(mode)}.`)

  const sessionId = `${recording.sessionId}~replay`
  const events: TapedeckEvent[] = []
  const start = performance.now()
  const record = (type: string, data: unknown) => {
    const t = Math.round((performance.now() - start) * 10) / 10
    events.push({ v: 1, id: `${sessionId}-${events.length}`, sessionId, seq: events.length, ts: Date.now(), t, tab: 'replay', type: type as TapedeckEvent['type'], data: data as JsonObject })
  }
  record('session.started', { ...recording.metadata, metadata: { ...recording.metadata.metadata, replayOf: recording.sessionId, replayMode: mode } })

  const replay = mode === 'live' ? undefined : createReplayFetch(recording, { timing: options.timing ?? 'instant' })
  const base = replay ?? options.fetch ?? globalThis.fetch.bind(globalThis)
  const fetch = createInstrumentedFetch({ record } as never, { fetch: base, ...(options.prices && { prices: options.prices }) })
  const outcomes = toolOutcomesOf(recording.events)
  const controller = new AbortController()
  const onAbort = () => controller.abort(options.signal?.reason)
  options.signal?.addEventListener('abort', onAbort, { once: true })

  let error: ReplayResult['error']
  try {
    await options.run({
      fetch,
      recorder: { record },
      userTurns: userTurnsOf(recording.events),
      toolResult(name) {
        const next = outcomes.get(name)?.shift()
        if (!next) return { found: false }
        return next.error !== undefined ? { found: true, error: next.error } : { found: true, result: next.result }
      },
      signal: controller.signal,
    })
  } catch (thrown) {
    if (options.signal?.aborted) throw thrown
    error = { message: thrown instanceof Error ? thrown.message : String(thrown), ...(thrown instanceof Error && { name: thrown.name }) }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
  }
  await fetch.settled()
  fetch.disable()
  record('session.ended', { lastSeq: events.length, reason: error ? 'replay_failed' : 'replayed' })

  const rerun = await loadRecording(events)
  const diff = diffRuns(recording.events, rerun.events)
  const log = replay ? [...replay.log] : []
  const mismatches = mode === 'strict' ? log.flatMap((entry, index) => (entry.match === 'exact' ? [] : [{ index, match: entry.match }])) : []
  const unused = replay ? replay.remaining() : 0
  const evaluation = options.checks?.length ? await evaluate(rerun, options.checks, { author: 'tapedeck-replay', ...(options.signal && { signal: options.signal }) }) : null
  const passed = !error && diff.same && mismatches.length === 0 && (evaluation === null || evaluation.passed === evaluation.total)
  return { mode, recording: rerun, diff, log, mismatches, unused, evaluation, passed, ...(error && { error }) }
}
