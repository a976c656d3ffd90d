// recordRealtime in Chromium: an app's RTCPeerConnection talks to the mock realtime peer (a second
// peer connection in the page, real WebRTC), a scripted conversation runs, and what the recorder
// stored is read back from IndexedDB.
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { Recorder } from '../client/types'
import type { TapedeckEvent } from '../events/catalogue'
import { clickToAllowAudio, toneStream } from '../../test/audio'
import { closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { recordRealtime, type RecordRealtimeOptions } from './recordRealtime'
import { createMockRealtimePeer, type ScriptLogEntry } from './testing/createMockRealtimePeer'
import { CONVERSATION, MODEL } from './testing/conversationScript'

const closing: Array<() => unknown> = []
beforeAll(clickToAllowAudio)
afterEach(async () => {
  for (const close of closing.splice(0)) await close()
  await closeAll()
})

const SERVER_EVENTS = CONVERSATION.filter((step) => 'server' in step).length

/** `'after'`: recordRealtime before the app creates its channel; `'given'`: with the channel made; `null`: no recording. */
async function converse(mode: 'after' | 'given' | null, options: RecordRealtimeOptions = {}) {
  const recorder = recorderFor(uniqueDb(), { consent: { audio: 'none', remember: false } })
  const session = await recorder.start()
  const mic = await toneStream(440, 0.3)
  closing.push(mic.close)
  const app = new RTCPeerConnection()
  closing.push(() => app.close())
  const recording = mode === 'after' ? recordRealtime(recorder, app, options) : undefined
  app.addTrack(mic.stream.getAudioTracks()[0]!, mic.stream)
  // The app plays the assistant's voice, as a voice app does (Chromium's remote audio only flows once played).
  const speaker = new Audio()
  closing.push(() => speaker.pause())
  app.addEventListener('track', (event) => {
    speaker.srcObject = event.streams[0] ?? new MediaStream([event.track])
    void speaker.play().catch(() => {})
  })
  const channel = app.createDataChannel('oai-events')
  const given = mode === 'given' ? recordRealtime(recorder, app, { ...options, channel }) : undefined
  const appReceived: string[] = []
  const receivedAt: number[] = []
  channel.addEventListener('message', (message) => {
    appReceived.push(String(message.data))
    receivedAt.push(performance.now())
  })
  const peer = await createMockRealtimePeer()
  closing.push(peer.close)
  await peer.connect(app)
  if (mode === 'after' && options.audio !== false) {
    // Both tracks recording before the conversation starts (the first start loads the audio code).
    await waitFor(() => recorder.getSnapshot().audio, (audio) => audio.input.state === 'recording' && audio.output.state === 'recording')
  }
  const log = await peer.run(CONVERSATION, channel)
  await waitFor(() => appReceived.length, (n) => n === SERVER_EVENTS)
  const stoppedAt = performance.now()
  await (recording ?? given)?.stop()
  await recorder.flush()
  const events = await recorder.sessions.events(session.id)
  const startedAt = recorder.getSnapshot().session!.startedAt!
  /** Session time of the script step that matches. */
  /** Session time the app received the server event of the script step that matches (for a client event: when the app sent it). */
  const at = (match: (entry: ScriptLogEntry) => boolean) => {
    const index = log.findIndex(match)
    if (index < 0) throw new Error('no such step')
    const entry = log[index]!
    const nth = log.slice(0, index).filter((previous) => 'server' in previous.step).length
    return performance.timeOrigin + ('server' in entry.step ? receivedAt[nth]! : entry.at) - startedAt
  }
  const stopT = performance.timeOrigin + stoppedAt - startedAt
  return { recorder, session, events, log, at, stopT, peer, appReceived, stats: (recording ?? given)?.stats }
}

const ofType = (events: TapedeckEvent[], type: string) => events.filter((event) => event.type === type).map((event) => event.data as Record<string, unknown>)
const server = (type: string, extra: Record<string, unknown> = {}) => (entry: ScriptLogEntry) =>
  'server' in entry.step && entry.step.server.type === type && Object.entries(extra).every(([key, value]) => (entry.step as { server: Record<string, unknown> }).server[key] === value)
const response = (type: string) => (id: string) => (entry: ScriptLogEntry) =>
  'server' in entry.step && entry.step.server.type === type && (entry.step.server.response as { id: string }).id === id
const responseCreated = response('response.created')
const responseDone = response('response.done')
/** Times on the session clock, against when the app's own listener saw the event (the recorder's listener runs in the same task). */
const TOLERANCE = 15
const near = (actual: unknown, expected: number) => {
  expect(typeof actual).toBe('number')
  expect(Math.abs((actual as number) - expected)).toBeLessThan(TOLERANCE)
}

async function decodeTrack(recorder: Recorder, sessionId: string, blobId: string): Promise<AudioBuffer> {
  const records = (await recorder.sessions.blobs(sessionId)).filter((record) => record.blobId === blobId)
  const parts = await Promise.all(records.map((record) => recorder.sessions.blob(sessionId, blobId, record.part)))
  const context = new AudioContext()
  closing.push(() => context.close())
  return context.decodeAudioData(await new Blob(parts.map((part) => part!)).arrayBuffer())
}

/** Root mean square of channel 0 between two offsets in ms. */
function rms(audio: AudioBuffer, fromMs: number, toMs: number): number {
  const samples = audio.getChannelData(0).subarray(Math.max(0, Math.floor((fromMs / 1000) * audio.sampleRate)), Math.floor((toMs / 1000) * audio.sampleRate))
  let sum = 0
  for (const sample of samples) sum += sample * sample
  return Math.sqrt(sum / Math.max(1, samples.length))
}

describe('recordRealtime over WebRTC', () => {
  test('a scripted conversation is recorded: transcripts, calls with usage and cost, a tool call, a barge-in, an error, snapshots', async () => {
    const { events, at, stats } = await converse('after', { audio: false })
    expect(stats!.errors).toBe(0)

    const segments = ofType(events, 'transcript.segment')
    expect(segments.map(({ speaker, text, final }) => ({ speaker, text, final }))).toEqual([
      { speaker: 'user', text: "What's the weather in Paris?", final: true },
      { speaker: 'assistant', text: 'It is 18 degrees and clear in Paris.', final: true },
      { speaker: 'user', text: 'Tell me a long story.', final: true },
      { speaker: 'assistant', text: 'Once upon a time, ', final: false },
      { speaker: 'user', text: 'Stop, thanks.', final: true },
    ])
    const [u1, a2, u2, a3, u3] = segments
    near(u1!.startT, at(server('input_audio_buffer.speech_started', { item_id: 'item_u1' })))
    near(u1!.endT, at(server('input_audio_buffer.speech_stopped', { item_id: 'item_u1' })))
    near(a2!.startT, at(server('response.output_audio_transcript.delta')))
    near(a2!.endT, at(server('response.output_audio_transcript.done')))
    near(u2!.startT, at(server('input_audio_buffer.speech_started', { item_id: 'item_u2' })))
    near(a3!.endT, at(responseDone('resp_3')))
    expect(a3!.interrupted).toBe(true)
    near(u3!.endT, at(server('input_audio_buffer.speech_stopped', { item_id: 'item_u3' })))

    expect(ofType(events, 'provider.call.started').map((call) => [call.callId, call.model, call.provider])).toEqual([
      ['resp_1', MODEL, 'openai'],
      ['resp_2', MODEL, 'openai'],
      ['resp_3', MODEL, 'openai'],
    ])
    const calls = ofType(events, 'provider.call.completed')
    expect(calls.map((call) => [call.callId, call.finishReason, call.abortReason])).toEqual([
      ['resp_1', 'tool_calls', undefined],
      ['resp_2', 'stop', undefined],
      ['resp_3', 'aborted', 'turn_detected'],
    ])
    // gpt-realtime: text 4 / 0.4 cached / 16 out, audio 32 / 64 per million tokens.
    expect(calls.map((call) => [call.usage, call.audioTokens, call.costUsd])).toEqual([
      [{ inputTokens: 200, outputTokens: 50, cachedTokens: 64 }, { input: 80, cachedInput: 0, output: 0 }, 0.0036096],
      [{ inputTokens: 260, outputTokens: 102, cachedTokens: 128 }, { input: 80, cachedInput: 0, output: 90 }, 0.0087712],
      [{ inputTokens: 320, outputTokens: 34, cachedTokens: 128 }, { input: 120, cachedInput: 0, output: 30 }, 0.0061632],
    ])
    expect(calls[1]!.response).toEqual({ text: 'It is 18 degrees and clear in Paris.' })
    expect(calls[0]!.response).toEqual({ text: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] })
    // Turn latency: end of the user's speech to the first audio of the answer (after the tool call).
    near(calls[1]!.turnLatencyMs, at(server('output_audio_buffer.started', { response_id: 'resp_2' })) - at(server('input_audio_buffer.speech_stopped', { item_id: 'item_u1' })))
    near(calls[2]!.turnLatencyMs, at(server('output_audio_buffer.started', { response_id: 'resp_3' })) - at(server('input_audio_buffer.speech_stopped', { item_id: 'item_u2' })))
    expect(calls[0]!.turnLatencyMs).toBeUndefined()
    near(calls[1]!.latencyMs, at(responseDone('resp_2')) - at(responseCreated('resp_2')))

    expect(ofType(events, 'tool.call.started')).toEqual([{ toolCallId: 'call_1', name: 'get_weather', args: { city: 'Paris' }, responseId: 'resp_1' }])
    const [tool] = ofType(events, 'tool.call.completed')
    expect(tool).toMatchObject({ toolCallId: 'call_1', name: 'get_weather', result: { tempC: 18, sky: 'clear' } })
    near(tool!.durationMs, at((entry) => 'client' in entry.step && entry.step.client.type === 'conversation.item.create') - at(server('response.function_call_arguments.done')))

    const interruptions = ofType(events, 'turn.interrupted')
    expect(interruptions).toHaveLength(1)
    expect(interruptions[0]).toMatchObject({ reason: 'user-speech', callId: 'resp_3' })
    near(interruptions[0]!.atT, at(server('input_audio_buffer.speech_started', { item_id: 'item_u3' })))

    expect(ofType(events, 'error.raised')).toEqual([
      { message: "Invalid value: 'nobody'.", source: 'realtime', code: 'invalid_value', errorType: 'invalid_request_error', param: 'session.audio.output.voice', clientEventId: 'evt_bad' },
    ])
    const snapshots = ofType(events, 'snapshot.created').map((snapshot) => snapshot.state as Record<string, unknown>)
    expect(snapshots.map((state) => [state.model, state.voice, state.instructions, (state.tools as unknown[] | undefined)?.length])).toEqual([
      [MODEL, 'alloy', '', undefined],
      [MODEL, 'alloy', 'You are a weather assistant.', 1],
    ])
  }, 20_000)

  test('both audio tracks are durable and decodable: the microphone and the assistant voice, for the whole conversation', async () => {
    const { recorder, session, events, log, stopT } = await converse('after')
    const audio = recorder.getSnapshot().audio
    const startedAt = recorder.getSnapshot().session!.startedAt!
    const firstStepT = performance.timeOrigin + log[0]!.at - startedAt
    for (const track of ['input', 'output'] as const) {
      const status = audio[track]
      expect(status.state).toBe('off')
      expect(status.durableParts).toBe(status.parts)
      const parts = ofType(events, `audio.${track}`)
      expect(parts.length).toBe(status.parts)
      const recordedMs = parts.reduce((sum, part) => sum + (part.durationMs as number), 0)
      // Recording starts as the connection is set up and stops with recording.stop(): it spans the conversation.
      expect(status.startT!).toBeLessThan(firstStepT)
      expect(Math.abs(status.startT! + recordedMs - stopT)).toBeLessThan(300)
      const decoded = await decodeTrack(recorder, session.id, status.blobId!)
      expect(Math.abs(decoded.duration * 1000 - recordedMs)).toBeLessThan(300)
    }
    // The assistant's voice is on the output track while it speaks, and silent before.
    const output = await decodeTrack(recorder, session.id, audio.output.blobId!)
    const startT = audio.output.startT!
    const speak = log.filter((entry) => 'speak' in entry.step).map((entry) => performance.timeOrigin + entry.at - startedAt - startT)
    const [onMs, offMs] = [speak[0]!, speak[1]!]
    expect(rms(output, (onMs + offMs) / 2 - 100, (onMs + offMs) / 2 + 100)).toBeGreaterThan(0.1)
    expect(rms(output, 0, Math.min(onMs - 200, 500))).toBeLessThan(0.02)
    const input = await decodeTrack(recorder, session.id, audio.input.blobId!)
    expect(rms(input, 200, 700)).toBeGreaterThan(0.1)
  }, 20_000)

  test("the app's data channel traffic is byte-identical with and without recording", async () => {
    const plain = await converse(null)
    const recorded = await converse('given', { audio: false })
    expect(ofType(recorded.events, 'transcript.segment')).toHaveLength(5)
    expect(recorded.peer.received).toEqual(plain.peer.received)
    expect(recorded.appReceived).toEqual(plain.appReceived)
    expect(plain.peer.received).toHaveLength(CONVERSATION.filter((step) => 'client' in step).length)
  }, 20_000)
})

