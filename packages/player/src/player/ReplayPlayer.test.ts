import { describe, expect, test, vi } from 'vitest'
import type { TapedeckEvent } from '@tapedeck/core'
import { makeEvents, supportSession } from '../../test/events'
import { annotate } from '../annotations/annotate'
import { loadRecording } from '../load/loadRecording'
import type { Recording } from '../recording/Recording'
import { ReplayPlayer, type PlaybackScheduler } from './ReplayPlayer'

const seqs = (events: readonly TapedeckEvent[]) => events.map((e) => e.seq)

/** A scheduler driven by the test: `frame(ms)` moves time and runs the pending callback. */
function manualScheduler() {
  let now = 1000
  let pending: (() => void) | undefined
  let requests = 0
  const scheduler: PlaybackScheduler = {
    now: () => now,
    request: (callback) => {
      requests++
      pending = callback
      return requests
    },
    cancel: () => {
      pending = undefined
    },
  }
  return {
    scheduler,
    frame(ms: number) {
      now += ms
      const run = pending
      pending = undefined
      run?.()
    },
    get pending() {
      return pending !== undefined
    },
  }
}

async function support(): Promise<Recording> {
  return loadRecording(supportSession())
}

describe('ReplayPlayer: state at a position, by hand', () => {
  test('duration is the last t; position starts at 0 with session.started applied', async () => {
    const player = new ReplayPlayer(await support())
    expect(player.duration).toBe(608_000)
    const state = player.getState()
    expect(state).toMatchObject({ position: 0, applied: 1, lastSeq: 0, callsInFlight: [], toolsInFlight: [], snapshot: null })
    expect(state.messages).toEqual([])
    expect(state.usage).toEqual({ costUsd: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0, calls: 0, failedCalls: 0 })
    // the session-wide label recorded at 607.2 s is about the whole session: active everywhere
    expect(state.annotations.map((a) => [a.annotationId, a.origin])).toEqual([['a1', 'recorded']])
  })

  test('at 1010 ms: the first message, call c1 in flight', async () => {
    const state = new ReplayPlayer(await support()).getStateAt(1010)
    expect(state.applied).toBe(4)
    expect(state.lastSeq).toBe(3)
    expect(state.messages).toEqual([{ messageId: 'm1', role: 'user', content: 'Where is my order?', seq: 2, t: 1000 }])
    expect(state.callsInFlight).toEqual([{ callId: 'c1', provider: 'openai', model: 'gpt-4o-mini', seq: 3, t: 1010 }])
    expect(state.usage.calls).toBe(0)
  })

  test('at 2300 ms: c1 done (its tokens and cost counted), tool t1 in flight', async () => {
    const state = new ReplayPlayer(await support()).getStateAt(2300)
    expect(state.callsInFlight).toEqual([])
    expect(state.toolsInFlight).toEqual([{ toolCallId: 't1', name: 'lookupOrder', args: { orderId: 42 }, seq: 5, t: 2220 }])
    expect(state.usage).toEqual({ costUsd: 0.0004, inputTokens: 100, outputTokens: 20, cachedTokens: 50, reasoningTokens: 0, calls: 1, failedCalls: 0 })
  })

  test('at 4000 ms: two messages, the snapshot', async () => {
    const state = new ReplayPlayer(await support()).getStateAt(4000)
    expect(state.messages.map((m) => m.messageId)).toEqual(['m1', 'm2'])
    expect(state.snapshot).toEqual({ snapshotId: 's1', description: 'after answer', seq: 10, t: 4000 })
    expect(state.usage).toMatchObject({ costUsd: 0.001, inputTokens: 250, outputTokens: 60, reasoningTokens: 10, calls: 2 })
  })

  test('in the idle pause (300 s): as after the failed call', async () => {
    const state = new ReplayPlayer(await support()).getStateAt(300_000)
    expect(state.lastSeq).toBe(15)
    expect(state.lastEvent?.type).toBe('error.raised')
    expect(state.usage).toEqual({ costUsd: 0.001, inputTokens: 250, outputTokens: 60, cachedTokens: 50, reasoningTokens: 10, calls: 3, failedCalls: 1 })
    expect(state.callsInFlight).toEqual([])
  })

  test('at the end: four messages, c5 still in flight, everything counted', async () => {
    const player = new ReplayPlayer(await support())
    const state = player.getStateAt(Infinity)
    expect(state.position).toBe(608_000)
    expect(state.applied).toBe(25)
    expect(state.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(state.callsInFlight.map((c) => c.callId)).toEqual(['c5'])
    expect(state.usage).toEqual({ costUsd: 0.0015, inputTokens: 450, outputTokens: 90, cachedTokens: 50, reasoningTokens: 10, calls: 4, failedCalls: 1 })
    expect(player.getStateAt(-5).position).toBe(0)
  })

  test('every checkpoint spacing gives the same state at every event time and between them', async () => {
    const recording = await support()
    const players = [1, 2, 3, 7, 128, 256].map((checkpointEvery) => new ReplayPlayer(recording, { checkpointEvery }))
    const positions = recording.events.flatMap((e) => [e.t - 0.5, e.t, e.t + 0.5])
    for (const position of positions) {
      const [reference, ...others] = players.map((player) => player.getStateAt(position))
      for (const state of others) expect(state).toEqual(reference)
    }
  })
})

describe('ReplayPlayer: seek and advance', () => {
  test('advance returns the events in (position, position + ms] and stops at the end', async () => {
    const player = new ReplayPlayer(await support())
    expect(seqs(player.advance(1010))).toEqual([1, 2, 3])
    expect(player.position).toBe(1010)
    expect(seqs(player.advance(1199))).toEqual([]) // 2209: c1 completes at 2210
    expect(seqs(player.advance(1))).toEqual([4])
    expect(player.getSnapshot().passed.map((e) => e.seq)).toEqual([4])
    expect(seqs(player.advance(10_000_000))).toEqual([...Array(20).keys()].map((i) => i + 5))
    expect(player.getSnapshot()).toMatchObject({ position: 608_000, ended: true })
    expect(player.advance(100)).toEqual([])
  })

  test('seek moves without passing events; a negative advance moves back', async () => {
    const player = new ReplayPlayer(await support())
    player.seek(5000)
    expect(player.getSnapshot().passed).toEqual([])
    expect(player.getState().lastSeq).toBe(11)
    expect(player.advance(-4000)).toEqual([])
    expect(player.position).toBe(1000)
    expect(player.getState().messages).toHaveLength(1)
  })

  test('subscribe: one call per change, a new snapshot each time, none after unsubscribe', async () => {
    const player = new ReplayPlayer(await support())
    const seen: unknown[] = []
    const unsubscribe = player.subscribe(() => seen.push(player.getSnapshot()))
    const before = player.getSnapshot()
    expect(player.getSnapshot()).toBe(before) // stable between changes
    player.seek(2000)
    player.advance(500)
    expect(seen).toHaveLength(2)
    expect(seen[0]).not.toBe(seen[1])
    unsubscribe()
    player.seek(0)
    expect(seen).toHaveLength(2)
  })

  test('a listener that throws does not stop the others; its error is rethrown on its own', async () => {
    const rethrown: Array<() => void> = []
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => void rethrown.push(task))
    try {
      const player = new ReplayPlayer(await support())
      let after = 0
      player.subscribe(() => {
        throw new Error('listener bug')
      })
      player.subscribe(() => after++)
      player.seek(1000)
      expect(after).toBe(1)
      expect(player.position).toBe(1000)
      expect(rethrown).toHaveLength(1)
      expect(() => rethrown[0]!()).toThrow('listener bug')
    } finally {
      spy.mockRestore()
    }
  })

  test('an annotation added to the recording shows on the next read, without calling listeners', async () => {
    const recording = await support()
    const player = new ReplayPlayer(recording)
    let calls = 0
    player.subscribe(() => calls++)
    const before = player.getSnapshot()
    annotate(recording, { kind: 'label', key: 'k', value: 'v', target: 'session' })
    const after = player.getSnapshot()
    expect(after).not.toBe(before)
    expect(after.state.annotations).toHaveLength(2)
    expect(player.getSnapshot()).toBe(after) // stable again
    expect(calls).toBe(0)
  })

  test('dispose: playback stops, listeners are forgotten and hear nothing more', async () => {
    const clock = manualScheduler()
    const player = new ReplayPlayer(await support(), { scheduler: clock.scheduler })
    let calls = 0
    player.subscribe(() => calls++)
    player.play()
    expect(calls).toBe(1)
    player.dispose()
    expect(calls).toBe(1) // dispose itself tells no one
    expect(player.getSnapshot().playing).toBe(false)
    expect(clock.pending).toBe(false)
    player.seek(1000)
    expect(calls).toBe(1)
  })

  test('bad positions and rates are refused with a code', async () => {
    const player = new ReplayPlayer(await support())
    expect(() => player.seek(Number.NaN)).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    expect(() => player.setRate(0)).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    expect(() => new ReplayPlayer(player.recording, { rate: -1 })).toThrow(expect.objectContaining({ code: 'invalid_options' }))
  })
})

describe('ReplayPlayer: real-time playback on an injected scheduler', () => {
  test('plays at rate, passes events frame by frame, pauses, stops at the end', async () => {
    const clock = manualScheduler()
    const player = new ReplayPlayer(await support(), { scheduler: clock.scheduler })
    player.play()
    expect(player.getSnapshot().playing).toBe(true)
    clock.frame(500)
    expect(player.position).toBe(500)
    expect(seqs(player.getSnapshot().passed)).toEqual([1])
    player.rate = 2
    clock.frame(300) // 600 ms of recording
    expect(player.position).toBe(1100)
    expect(seqs(player.getSnapshot().passed)).toEqual([2, 3])
    player.pause()
    expect(clock.pending).toBe(false)
    clock.frame(10_000)
    expect(player.position).toBe(1100)
    player.play()
    player.setRate(1000)
    clock.frame(1000) // a million ms of recording: past the end
    expect(player.getSnapshot()).toMatchObject({ position: 608_000, playing: false, ended: true })
    expect(clock.pending).toBe(false)
    player.play() // at the end: from the start
    expect(player.getSnapshot()).toMatchObject({ position: 0, playing: true })
    player.dispose()
    expect(clock.pending).toBe(false)
  })

  test('a rate change while playing keeps the time already played at the old rate', async () => {
    const clock = manualScheduler()
    const player = new ReplayPlayer(await support(), { scheduler: clock.scheduler })
    player.play()
    clock.frame(100)
    // 100 ms pass with no frame, then the rate changes: those 100 ms count at rate 1
    clock.scheduler.now = ((base) => () => base + 100)(clock.scheduler.now())
    player.setRate(4)
    expect(player.position).toBe(200)
  })

  test('the default scheduler (timers in Node) plays in real time', async () => {
    const events = makeEvents('s1', [[0, 'session.started'], [40, 'x.a'], [80, 'x.b']])
    const player = new ReplayPlayer(await loadRecording(events))
    const done = new Promise<void>((resolve) => player.subscribe(() => player.getSnapshot().ended && resolve()))
    const started = performance.now()
    player.play()
    await done
    expect(performance.now() - started).toBeGreaterThanOrEqual(79)
    expect(player.getState().lastSeq).toBe(2)
  })
})

describe('ReplayPlayer: snapshots, audio, transcript, annotations', () => {
  test('snapshotAt: by seq and by time, the last snapshot at or before', async () => {
    const player = new ReplayPlayer(await support())
    expect(player.snapshotAt(9)).toBeNull()
    const resume = player.snapshotAt(10)
    expect(resume).toEqual({
      snapshotId: 's1',
      description: 'after answer',
      seq: 10,
      t: 4000,
      state: expect.objectContaining({ model: 'gpt-4o-mini' }),
      messages: [{ role: 'user', content: 'Where is my order?' }, { role: 'assistant', content: 'Your order ships tomorrow.' }],
      systemPrompt: 'You are helpful.',
      model: 'gpt-4o-mini',
      tools: ['lookupOrder'],
    })
    expect(player.snapshotAt({ seq: 24 })?.snapshotId).toBe('s1')
    expect(player.snapshotAt({ t: 3999 })).toBeNull()
    expect(player.snapshotAt({ t: 4000 })?.seq).toBe(10)
  })

  test('audio: the part under the playhead on each track, by its own start and length', async () => {
    const events = makeEvents('s1', [
      [0, 'session.started'],
      [1100, 'audio.input', { blobId: 'mic', part: 0, mimeType: 'audio/webm', startT: 100, durationMs: 1000, bytes: 10 }],
      [2100, 'audio.input', { blobId: 'mic', part: 1, mimeType: 'audio/webm', startT: 1100, durationMs: 1000, bytes: 10 }],
      [2600, 'audio.output', { blobId: 'tts', part: 0, mimeType: 'audio/webm', startT: 2200, durationMs: 400, bytes: 10 }],
      [2700, 'transcript.segment', { speaker: 'user', text: 'hello there', startT: 150, endT: 1900, final: true }],
      [2710, 'transcript.segment', { speaker: 'user', text: 'hel', startT: 150, endT: 400, final: false }],
      [2720, 'transcript.segment', { speaker: 'assistant', text: 'hi', startT: 2200, endT: 2600, final: true }],
    ])
    const player = new ReplayPlayer(await loadRecording(events))
    expect(player.duration).toBe(2720)
    const at = player.getStateAt(1500)
    expect(at.audio).toEqual({
      input: { blobId: 'mic', part: 1, mimeType: 'audio/webm', startT: 1100, durationMs: 1000, offsetMs: 400, blobStartT: 100 },
      output: null,
    })
    // by audio time, before the transcript events themselves were recorded
    expect(at.transcript.current.map((line) => line.text)).toEqual(['hello there'])
    expect(at.transcript.segments).toEqual([])
    expect(player.getStateAt(2300).audio.output).toMatchObject({ blobId: 'tts', offsetMs: 100 })
    expect(player.getStateAt(2300).audio.input).toBeNull()
    expect(player.getStateAt(50).audio).toEqual({ input: null, output: null })
    const end = player.getStateAt(2720)
    expect(end.transcript.segments.map((line) => line.text)).toEqual(['hello there', 'hi'])
    expect(end.transcript.current).toEqual([])
  })

  test('annotations: session always; an event target from its t on; a range while inside it', async () => {
    const recording = await support()
    const player = new ReplayPlayer(recording)
    const onEvent = player.annotate({ kind: 'comment', key: 'note', value: 'slow answer', target: { eventId: recording.events[4]!.id } })
    const onRange = player.annotate({ kind: 'score', key: 'quality', value: 0.4, target: { fromT: 5000, toT: 6000 } })
    const active = (t: number) => player.getStateAt(t).annotations.map((a) => a.annotationId)
    expect(active(2000)).toEqual(['a1'])
    expect(active(2210)).toEqual(['a1', onEvent.annotationId])
    expect(active(5500)).toEqual(['a1', onEvent.annotationId, onRange.annotationId])
    expect(active(6001)).toEqual(['a1', onEvent.annotationId])
    expect(onRange).toMatchObject({ origin: 'external', kind: 'score', value: 0.4 })
  })

  test('player.annotate tells listeners', async () => {
    const player = new ReplayPlayer(await support())
    let calls = 0
    player.subscribe(() => calls++)
    player.annotate({ kind: 'label', key: 'k', value: 'v', target: 'session' })
    expect(calls).toBe(1)
    expect(player.getState().annotations).toHaveLength(2)
  })
})
