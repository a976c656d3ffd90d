// The player on real sources in Chromium: a real recorder (worker + IndexedDB), the reference
// server started by the browser project's globalSetup, and real audio through MediaRecorder and
// Web Audio.
import { afterEach, beforeAll, describe, expect, inject, test } from 'vitest'
import { clickToAllowAudio, toneStream } from '../../../core/test/audio'
import { createRecorder, type Recorder, type RecorderOptions } from '@tapedeck/core'
import { encodeWav, toWav } from '../export/toWav'
import { ReplayPlayer } from '../player/ReplayPlayer'
import { computeStats } from '../stats/computeStats'
import { loadRecording } from './loadRecording'

const open: Recorder[] = []
const closing: Array<() => unknown> = []

function recorder(options: RecorderOptions = {}): Recorder {
  const r = createRecorder({ dbName: `player-${crypto.randomUUID()}`, ...options })
  open.push(r)
  return r
}

afterEach(async () => {
  for (const close of closing.splice(0)) await close()
  await Promise.all(open.splice(0).map((r) => r.close().catch(() => undefined)))
})

beforeAll(clickToAllowAudio)

/** A short conversation recorded through the public API. */
async function conversation(r: Recorder): Promise<string> {
  const { id } = await r.start({ userId: 'u_browser', feature: 'player-test' })
  r.record('message.created', { messageId: 'm1', role: 'user', content: 'Where is my order?' })
  r.record('provider.call.started', { callId: 'c1', provider: 'openai', model: 'gpt-4o-mini' })
  r.record('provider.call.completed', { callId: 'c1', model: 'gpt-4o-mini', usage: { inputTokens: 15, outputTokens: 25 }, costUsd: 0.0008, latencyMs: 1200, ttftMs: 310, response: { text: 'It ships today.' } })
  r.record('message.created', { messageId: 'm2', role: 'assistant', content: 'It ships today.' })
  r.snapshot({ snapshotId: 'snap1', description: 'answered', state: { messages: [{ role: 'user', content: 'Where is my order?' }], model: 'gpt-4o-mini' } })
  r.annotate({ annotationId: 'an1', kind: 'score', key: 'quality', value: 1, target: 'session' })
  return id
}

/** A 16-bit WAV of a sine, split in two byte ranges as two stored parts would be. */
function sineWavParts(frequency: number, seconds: number, rate = 48_000): [Uint8Array, Uint8Array] {
  const samples = new Float32Array(Math.round(rate * seconds))
  for (let i = 0; i < samples.length; i++) samples[i] = 0.5 * Math.sin((2 * Math.PI * frequency * i) / rate)
  const wav = encodeWav([samples], rate)
  const cut = 44 + 2 * Math.floor(samples.length / 3)
  return [wav.slice(0, cut), wav.slice(cut)]
}

/** Reads back what toWav wrote (header and 16-bit samples, channel 0), without resampling. */
async function readWav(blob: Blob) {
  const view = new DataView(await blob.arrayBuffer())
  const tag = (offset: number) => String.fromCharCode(...Array.from({ length: 4 }, (_, i) => view.getUint8(offset + i)))
  expect([tag(0), tag(8), tag(12), tag(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data'])
  expect(view.getUint16(20, true)).toBe(1) // PCM
  expect(view.getUint16(34, true)).toBe(16)
  const channels = view.getUint16(22, true)
  const sampleRate = view.getUint32(24, true)
  const frames = view.getUint32(40, true) / 2 / channels
  const samples = new Float32Array(frames)
  for (let i = 0; i < frames; i++) samples[i] = view.getInt16(44 + i * channels * 2, true) / 32768
  return { channels, sampleRate, samples, duration: frames / sampleRate }
}

/** RMS and frequency (from zero crossings) over [fromS, toS). */
function measure(wav: { samples: Float32Array; sampleRate: number; duration: number }, fromS = 0, toS = wav.duration) {
  const samples = wav.samples.subarray(Math.floor(fromS * wav.sampleRate), Math.floor(toS * wav.sampleRate))
  let sum = 0
  let crossings = 0
  for (let i = 0; i < samples.length; i++) {
    sum += samples[i]! ** 2
    if (i > 0 && samples[i - 1]! < 0 !== samples[i]! < 0) crossings++
  }
  const seconds = samples.length / wav.sampleRate
  return { rms: Math.sqrt(sum / samples.length), frequency: crossings / 2 / seconds }
}

describe('loadRecording from a real recorder', () => {
  test('a recorded, flushed conversation loads with every stored event, its metadata and its state', async () => {
    const r = recorder()
    const id = await conversation(r)
    await r.flush()
    const live = await loadRecording({ recorder: r, sessionId: id })
    expect(live.source).toBe('recorder')
    expect(live.events).toEqual(await r.sessions.events(id))
    expect(live.events.map((e) => e.type)).toEqual(['session.started', 'message.created', 'provider.call.started', 'provider.call.completed', 'message.created', 'snapshot.created', 'annotation.added'])
    expect(live.metadata).toMatchObject({ userId: 'u_browser', feature: 'player-test' })
    expect(live.complete).toBe(false) // still recording
    expect(live.gaps).toEqual([])

    await r.stop()
    const ended = await loadRecording({ recorder: r, sessionId: id }, { pageSize: 3 })
    expect(ended.complete).toBe(true)
    expect(ended.events.at(-1)!.type).toBe('session.ended')
    const player = new ReplayPlayer(ended)
    const state = player.getStateAt(player.duration)
    expect(state.messages.map((m) => m.content)).toEqual(['Where is my order?', 'It ships today.'])
    expect(state.usage).toMatchObject({ costUsd: 0.0008, inputTokens: 15, outputTokens: 25, calls: 1 })
    expect(state.annotations.map((a) => a.annotationId)).toEqual(['an1'])
    expect(player.snapshotAt(ended.events.at(-1)!.seq)).toMatchObject({ snapshotId: 'snap1', model: 'gpt-4o-mini' })
    expect(computeStats(ended).calls.latencyMs.p50).toBe(1200)
  })

  test('a session the store does not have → session_not_found', async () => {
    const r = recorder()
    await r.ready()
    await expect(loadRecording({ recorder: r, sessionId: 'no_such_session' })).rejects.toMatchObject({ code: 'session_not_found' })
  })
})

describe('loadRecording from the reference server', () => {
  test('a synced session reads back the same events, and its attachment bytes', async () => {
    const endpoint = inject('tapedeckServer')
    const r = recorder({ endpoint, sync: 'manual' })
    const id = await conversation(r)
    const [head, tail] = sineWavParts(440, 0.3)
    await r.attach(head, { blobId: 'wav1', part: 0, mimeType: 'audio/wav', track: 'input', startT: 10, durationMs: 100 })
    await r.attach(tail, { blobId: 'wav1', part: 1, mimeType: 'audio/wav', track: 'input', startT: 110, durationMs: 200 })
    r.record('audio.input', { blobId: 'wav1', part: 0, mimeType: 'audio/wav', startT: 10, durationMs: 100, bytes: head.byteLength })
    r.record('audio.input', { blobId: 'wav1', part: 1, mimeType: 'audio/wav', startT: 110, durationMs: 200, bytes: tail.byteLength })
    await r.stop()
    const status = await r.syncNow()
    expect(status).toMatchObject({ pendingEvents: 0, error: null })

    const local = await loadRecording({ recorder: r, sessionId: id })
    const remote = await loadRecording({ endpoint, sessionId: id })
    expect(remote.source).toBe('server')
    expect(remote.events).toEqual(local.events)
    expect(remote.complete).toBe(true)
    expect(remote.blobs.track('input').map((p) => [p.blobId, p.part, p.startT, p.durationMs])).toEqual([['wav1', 0, 10, 100], ['wav1', 1, 110, 200]])
    const whole = await remote.blobs.trackBlob('input')
    expect(new Uint8Array(await whole!.arrayBuffer())).toEqual(new Uint8Array([...head, ...tail]))
    await expect(loadRecording({ endpoint, sessionId: 'no_such_session' })).rejects.toMatchObject({ code: 'session_not_found' })
  })
})

describe('toWav in the browser', () => {
  test('a WAV stored in two parts: concatenated, decoded once, written back at 16 bits', async () => {
    const r = recorder()
    const { id } = await r.start()
    const [head, tail] = sineWavParts(440, 1)
    await r.attach(head, { blobId: 'w', part: 0, mimeType: 'audio/wav', track: 'output', startT: 0, durationMs: 333 })
    await r.attach(tail, { blobId: 'w', part: 1, mimeType: 'audio/wav', track: 'output', startT: 333, durationMs: 667 })
    await r.stop()
    const recording = await loadRecording({ recorder: r, sessionId: id })
    const wav = await toWav(recording, 'output')
    expect(wav.type).toBe('audio/wav')
    const written = await readWav(wav)
    expect(written).toMatchObject({ channels: 1, sampleRate: 48_000, duration: 1 })
    const measured = measure(written)
    expect(measured.rms).toBeCloseTo(0.5 / Math.SQRT2, 3)
    expect(measured.frequency).toBeGreaterThan(439)
    expect(measured.frequency).toBeLessThan(441)
    // 16-bit in, decoded at the same rate, 16-bit out: within 1.5 steps of the sine (half a step of
    // rounding; Chromium decodes positive samples as x / 32767, not x / 32768: one more step at the peaks)
    for (let i = 0; i < written.samples.length; i += 97) expect(Math.abs(written.samples[i]! - 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48_000))).toBeLessThanOrEqual(1.5 / 32768)
    await expect(toWav(recording, 'input')).rejects.toMatchObject({ code: 'blob_not_found' })
  })

  test('a tone recorded by recorder.audio (MediaRecorder, webm/opus slices) decodes to its length and pitch', async () => {
    const r = recorder({ consent: { audio: 'none', remember: false } })
    const { id } = await r.start()
    const tone = await toneStream(440)
    closing.push(tone.close)
    const started = await r.audio.start(tone.stream, { track: 'input', timesliceMs: 250 })
    expect(started.state).toBe('recording')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await r.audio.stop()
    await r.stop()

    const recording = await loadRecording({ recorder: r, sessionId: id })
    const parts = recording.blobs.track('input')
    expect(parts.length).toBeGreaterThanOrEqual(3)
    const spanMs = parts.reduce((sum, part) => sum + (part.durationMs ?? 0), 0)
    const written = await readWav(await toWav(recording, 'input'))
    expect(written.sampleRate).toBe(48_000)
    // The decoded audio lasts as long as the parts say (opus frames and encoder start-up: ±150 ms).
    expect(Math.abs(written.duration * 1000 - spanMs)).toBeLessThan(150)
    expect(written.duration).toBeGreaterThan(1.2)
    // Away from the edges (encoder start-up, the cut at stop), the tone itself.
    const measured = measure(written, 0.25, written.duration - 0.25)
    expect(measured.rms).toBeGreaterThan(0.2) // a 0.5 sine has RMS 0.354
    expect(measured.frequency).toBeGreaterThan(420)
    expect(measured.frequency).toBeLessThan(460)
    // and the player knows which part plays when
    const player = new ReplayPlayer(recording)
    const middle = parts[1]!
    expect(player.getStateAt(middle.startT! + 10).audio.input).toMatchObject({ blobId: middle.blobId, part: middle.part, offsetMs: 10 })
  })
})
