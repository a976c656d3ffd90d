/**
 * The player figure's browser side: a session's NDJSON loaded and indexed by the player, and seeks
 * into it, against `JSON.parse` of every line.
 */
import { seeded } from '../../packages/core/test/seeded.mjs'
import { sessionNdjson, type SessionText } from './sessionNdjson'

let playerSession: SessionText | undefined
let sink: unknown

/** The player figure's session: `count` events of NDJSON, kept in the page for the runs that follow. */
export function playerSetup({ count, seed }: { count: number; seed: number }) {
  const session = sessionNdjson(count, seed)
  playerSession = session
  return { events: session.events, chars: session.text.length, oneByte: !/[^\u0000-\u00ff]/.test(session.text), crossOriginIsolated }
}

/**
 * One run on that text. `parse`, the anchor: `JSON.parse` of every line, the objects kept in an
 * array. `player`: `loadRecording(text)` and `new ReplayPlayer(recording)` (which builds the
 * seek index), timed together, then `seeks` seeks to random positions, each timed on its own.
 */
export async function playerRun({ mode, seeks, seed }: { mode: 'parse' | 'player'; seeks: number; seed: number }) {
  const session = playerSession
  if (!session) throw new Error('playerSetup() first')
  const { text } = session
  if (mode === 'parse') {
    const started = performance.now()
    const events: unknown[] = []
    for (let from = 0, to = text.indexOf('\n'); to !== -1; from = to + 1, to = text.indexOf('\n', from)) {
      if (to > from) events.push(JSON.parse(text.slice(from, to)))
    }
    const ms = performance.now() - started
    if (events.length !== session.events) throw new Error(`JSON.parse read ${events.length} of ${session.events} events`)
    sink = events
    sink = undefined
    return { ms }
  }
  // Loaded only by the player figure, before the clock starts.
  const { loadRecording, ReplayPlayer } = await import('@tapedeck/player')
  const started = performance.now()
  const recording = await loadRecording(text)
  const loaded = performance.now()
  const player = new ReplayPlayer(recording)
  const ms = performance.now() - started
  if (recording.events.length !== session.events || !recording.complete) {
    throw new Error(`the player read ${recording.events.length} of ${session.events} events (complete: ${recording.complete})`)
  }
  if (player.duration < session.durationMs) throw new Error(`the player's duration is ${player.duration} ms, the session's ${session.durationMs} ms`)
  const next = seeded(seed)
  const times: number[] = new Array(seeks)
  let applied = 0
  for (let i = 0; i < seeks; i++) {
    const position = next() * player.duration
    const before = performance.now()
    applied += player.seek(position).applied
    times[i] = performance.now() - before
  }
  if (applied === 0) throw new Error('no seek applied any event')
  player.dispose()
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!
  return { ms, loadMs: loaded - started, indexMs: ms - (loaded - started), seekP50: at(0.5), seekP95: at(0.95), seekMax: times[times.length - 1]!, crossOriginIsolated }
}

export function playerTeardown(): void {
  playerSession = undefined
}

void sink
