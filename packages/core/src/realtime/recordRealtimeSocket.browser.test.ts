// recordRealtime over a WebSocket in Chromium: the app's socket talks to a mock Realtime server on
// loopback (packages/core/test/realtimeSocketSetup.ts, a relay the test drives), a scripted
// conversation runs, and what the recorder stored is read back from IndexedDB.
import { afterEach, describe, expect, inject, test } from 'vitest'
import type { TapedeckEvent } from '../events/catalogue'
import { sinePcm } from '../../test/audio'
import { closeAll, recorderFor, uniqueDb, waitFor } from '../../test/browser'
import { recordRealtime } from './recordRealtime'
import { recordRealtimeEvents } from './recordRealtimeEvents'
import type { ScriptStep } from './testing/createMockRealtimePeer'
import { SOCKET_CONVERSATION } from './testing/socketConversation'
import { MODEL } from './testing/conversationScript'

const closing: Array<() => unknown> = []
afterEach(async () => {
  for (const close of closing.splice(0)) await close()
  await closeAll()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function open(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url)
  closing.push(() => socket.close())
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true })
    socket.addEventListener('error', reject, { once: true })
  })
  return socket
}

/** The app's socket and the test's control socket of one room of the mock server. */
async function connect() {
  const room = crypto.randomUUID()
  const control = await open(`${inject('realtimeSocket')}/control?room=${room}`)
  const app = await open(`${inject('realtimeSocket')}/v1/realtime?model=${MODEL}&room=${room}`)
  const serverReceived: string[] = []
  control.addEventListener('message', (message) => serverReceived.push(String(message.data)))
  const appReceived: Array<{ data: string; at: number }> = []
  app.addEventListener('message', (message) => appReceived.push({ data: String(message.data), at: performance.now() }))
  return { app, control, serverReceived, appReceived }
}

/** Plays the script: server events through the control socket, client events on the app's socket. Resolves when all arrived. */
async function play(script: readonly ScriptStep[], sockets: Awaited<ReturnType<typeof connect>>) {
  const sentAt: number[] = []
  const serverSteps = script.filter((step) => 'server' in step).length
  const clientSteps = script.filter((step) => 'client' in step).length
  for (const step of script) {
    if (step.after) await sleep(step.after)
    if ('server' in step) sockets.control.send(JSON.stringify(step.server))
    else if ('client' in step) sockets.app.send(JSON.stringify(step.client))
    sentAt.push(performance.now())
  }
  await waitFor(() => [sockets.appReceived.length, sockets.serverReceived.length], ([a, s]) => a === serverSteps && s === clientSteps)
  return sentAt
}

const ofType = (events: TapedeckEvent[], type: string) => events.filter((event) => event.type === type).map((event) => event.data as Record<string, unknown>)

async function converse(record: boolean) {
  const recorder = recorderFor(uniqueDb())
  const session = await recorder.start()
  const sockets = await connect()
  const recording = record ? recordRealtime(recorder, sockets.app) : undefined
  const sentAt = await play(SOCKET_CONVERSATION, sockets)
  await recording?.stop()
  await recorder.flush()
  const events = await recorder.sessions.events(session.id)
  const startedAt = recorder.getSnapshot().session!.startedAt!
  /** Session time the app saw the server event of step `index`, or sent its client event. */
  const at = (match: (step: ScriptStep) => boolean) => {
    const index = SOCKET_CONVERSATION.findIndex(match)
    const step = SOCKET_CONVERSATION[index]!
    const nth = SOCKET_CONVERSATION.slice(0, index).filter((previous) => 'server' in previous).length
    return performance.timeOrigin + ('server' in step ? sockets.appReceived[nth]!.at : sentAt[index]!) - startedAt
  }
  return { events, at, sockets, stats: recording?.stats, recorder }
}

const server = (type: string, extra: Record<string, unknown> = {}) => (step: ScriptStep) =>
  'server' in step && step.server.type === type && Object.entries(extra).every(([key, value]) => (step as { server: Record<string, unknown> }).server[key] === value)
const near = (actual: unknown, expected: number) => {
  expect(typeof actual).toBe('number')
  expect(Math.abs((actual as number) - expected)).toBeLessThan(15)
}

describe('recordRealtime over a WebSocket', () => {
  test('a scripted conversation against a loopback Realtime server: transcripts, calls with usage, cost and turn latency, a tool call, a barge-in, an error', async () => {
    const { events, at, stats } = await converse(true)
    expect(stats!.errors).toBe(0)
    expect(ofType(events, 'transcript.segment').map(({ speaker, text, final }) => ({ speaker, text, final }))).toEqual([
      { speaker: 'user', text: "What's the weather in Paris?", final: true },
      { speaker: 'assistant', text: 'It is 18 degrees and clear in Paris.', final: true },
      { speaker: 'user', text: 'Tell me a long story.', final: true },
      { speaker: 'assistant', text: 'Once upon a time, ', final: false },
      { speaker: 'user', text: 'Stop, thanks.', final: true },
    ])
    const calls = ofType(events, 'provider.call.completed')
    expect(calls.map((call) => [call.callId, call.model, call.finishReason, call.costUsd])).toEqual([
      ['resp_1', MODEL, 'tool_calls', 0.0036096],
      ['resp_2', MODEL, 'stop', 0.0087712],
      ['resp_3', MODEL, 'aborted', 0.0061632],
    ])
    // Over a socket the first audio of an answer is its first audio delta.
    const firstAudio = (id: string) => at(server('response.output_audio.delta', { response_id: id }))
    near(calls[1]!.turnLatencyMs, firstAudio('resp_2') - at(server('input_audio_buffer.speech_stopped', { item_id: 'item_u1' })))
    near(calls[2]!.turnLatencyMs, firstAudio('resp_3') - at(server('input_audio_buffer.speech_stopped', { item_id: 'item_u2' })))
    expect(ofType(events, 'tool.call.completed')).toMatchObject([{ toolCallId: 'call_1', name: 'get_weather', result: { tempC: 18, sky: 'clear' } }])
    const [interrupted] = ofType(events, 'turn.interrupted')
    expect(interrupted).toMatchObject({ reason: 'user-speech', callId: 'resp_3' })
    near(interrupted!.atT, at(server('input_audio_buffer.speech_started', { item_id: 'item_u3' })))
    expect(ofType(events, 'error.raised')).toMatchObject([{ code: 'invalid_value', source: 'realtime', clientEventId: 'evt_bad' }])
    // Audio deltas and appends are not stored as events (audio is recorded as audio).
    expect(JSON.stringify(events)).not.toContain('input_audio_buffer.append')
  }, 20_000)

  test("the socket's traffic is byte-identical with and without recording, and stop() gives the app its own send back", async () => {
    const plain = await converse(false)
    const recorded = await converse(true)
    expect(ofType(recorded.events, 'transcript.segment')).toHaveLength(5)
    expect(recorded.sockets.serverReceived).toEqual(plain.sockets.serverReceived)
    expect(recorded.sockets.appReceived.map((message) => message.data)).toEqual(plain.sockets.appReceived.map((message) => message.data))
    expect(plain.sockets.serverReceived).toHaveLength(SOCKET_CONVERSATION.filter((step) => 'client' in step).length)
    expect(Object.prototype.hasOwnProperty.call(recorded.sockets.app, 'send')).toBe(false)
    expect(recorded.sockets.app.send).toBe(WebSocket.prototype.send)
  }, 20_000)

  test('the server closing the socket mid-answer records the answer as aborted, with what was said so far', async () => {
    const recorder = recorderFor(uniqueDb())
    const session = await recorder.start()
    const sockets = await connect()
    recordRealtime(recorder, sockets.app)
    const cut = SOCKET_CONVERSATION.findIndex((step) => 'server' in step && step.server.type === 'input_audio_buffer.speech_started' && step.server.item_id === 'item_u3')
    await play(SOCKET_CONVERSATION.slice(0, cut), sockets)
    const closed = new Promise((resolve) => sockets.app.addEventListener('close', resolve, { once: true }))
    sockets.control.close()
    await closed
    await recorder.flush()
    const events = await recorder.sessions.events(session.id)
    expect(ofType(events, 'provider.call.completed').at(-1)).toMatchObject({ callId: 'resp_3', finishReason: 'aborted', abortReason: 'socket-closed', response: { text: 'Once upon a time, ' } })
    expect(ofType(events, 'transcript.segment').at(-1)).toMatchObject({ speaker: 'assistant', text: 'Once upon a time, ', final: false, interrupted: true })
  }, 20_000)

  test('recordRealtimeEvents folds the events an app hands over, as objects or JSON text', async () => {
    const recorder = recorderFor(uniqueDb())
    const session = await recorder.start()
    const recording = recordRealtimeEvents(recorder)
    for (const step of SOCKET_CONVERSATION) {
      if ('server' in step) recording.server(JSON.stringify(step.server))
      else if ('client' in step) recording.client(step.client)
    }
    recording.stop()
    await recorder.flush()
    const events = await recorder.sessions.events(session.id)
    expect(ofType(events, 'transcript.segment')).toHaveLength(5)
    expect(ofType(events, 'provider.call.completed').map((call) => call.finishReason)).toEqual(['tool_calls', 'stop', 'aborted'])
    expect(recording.stats.errors).toBe(0)
  })

  test('the tab closing mid-answer (pagehide): the answer is recorded at once as aborted, with what was said', async () => {
    // A recorder of our own: the test page's pagehide must not reach a real one. (e2e/realtime.spec.ts closes a real tab.)
    const recorded: Array<{ type: string; data: Record<string, unknown> }> = []
    const recorder = {
      record: (type: string, data: unknown) => (recorded.push({ type, data: data as Record<string, unknown> }), true),
      getSnapshot: () => ({ state: 'recording', session: { startedAt: performance.timeOrigin } }),
      audio: {},
    }
    const sockets = await connect()
    const recording = recordRealtime(recorder as never, sockets.app)
    closing.push(() => recording.stop())
    const cut = SOCKET_CONVERSATION.findIndex((step) => 'server' in step && step.server.type === 'input_audio_buffer.speech_started' && step.server.item_id === 'item_u3')
    await play(SOCKET_CONVERSATION.slice(0, cut), sockets)
    const before = recorded.length
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }))
    expect(recorded.slice(before).map((event) => event.type)).toEqual(['transcript.segment', 'provider.call.completed'])
    expect(recorded.at(-1)!.data).toMatchObject({ callId: 'resp_3', finishReason: 'aborted', abortReason: 'page-left', response: { text: 'Once upon a time, ' } })
    expect(recorded.at(-2)!.data).toMatchObject({ speaker: 'assistant', text: 'Once upon a time, ', final: false, interrupted: true })
  })
})

/** `seconds` of a 24 kHz PCM16 sine, as the bytes a Realtime event carries base64. */
const pcm24k = (frequency: number, seconds: number) => sinePcm(frequency, seconds, 24_000, 12_000)
const base64 = (bytes: Uint8Array) => {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(text)
}
/** The PCM inside a stored WAV part, after its 44-byte header. */
const wavData = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer()).subarray(44)
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0))
  parts.reduce((at, part) => (out.set(part, at), at + part.byteLength), 0)
  return out
}
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i])

describe('recordRealtime over a WebSocket: the audio inside the events', () => {
  test("the app's appends and the server's deltas are stored as WAV parts on the session clock: durations and samples exact, decodable, an answer cut by a barge-in kept up to it, the traffic unchanged", async () => {
    const recorder = recorderFor(uniqueDb(), { consent: { audio: 'none', remember: false } })
    const session = await recorder.start()
    const sockets = await connect()
    const recording = recordRealtime(recorder, sockets.app)
    const sessionT = (pageMs: number) => performance.timeOrigin + pageMs - recorder.getSnapshot().session!.startedAt!
    sockets.control.send(JSON.stringify({ type: 'session.created', session: { model: MODEL, audio: { input: { format: { type: 'audio/pcm', rate: 24_000 } }, output: { format: { type: 'audio/pcm', rate: 24_000 } } } } }))

    // The microphone: 1.5 s streamed in real time, 100 ms a message, as an app's audio worklet does.
    const mic = pcm24k(440, 1.5)
    const sent: string[] = []
    const firstSend = performance.now() + 100
    for (let i = 0; i < 15; i++) {
      await sleep(firstSend + i * 100 - performance.now())
      const message = JSON.stringify({ type: 'input_audio_buffer.append', audio: base64(mic.subarray(i * 4800, (i + 1) * 4800)) })
      sockets.app.send(message)
      sent.push(message)
    }
    const firstSendT = sessionT(firstSend)

    // The assistant: an answer of 2.0 s sent at once (faster than it plays), heard in full; then
    // one of 3.0 s the user speaks over after about a second.
    const answer1 = pcm24k(220, 2)
    const answer2 = pcm24k(330, 3)
    const deltas = (id: string, pcm: Uint8Array) =>
      Array.from({ length: pcm.byteLength / 9600 }, (_, i) => JSON.stringify({ type: 'response.output_audio.delta', response_id: `resp_${id}`, item_id: `item_${id}`, output_index: 0, content_index: 0, delta: base64(pcm.subarray(i * 9600, (i + 1) * 9600)) }))
    const received = () => sockets.appReceived.length
    for (const delta of deltas('a1', answer1)) sockets.control.send(delta)
    await waitFor(received, (count) => count === 11)
    const answer1T = sessionT(sockets.appReceived[1]!.at)
    await sleep(2300)
    for (const delta of deltas('a2', answer2)) sockets.control.send(delta)
    await waitFor(received, (count) => count === 26)
    const answer2T = sessionT(sockets.appReceived[11]!.at)
    await sleep(1000)
    sockets.control.send(JSON.stringify({ type: 'input_audio_buffer.speech_started', item_id: 'item_u2', audio_start_ms: 4000 }))
    await waitFor(received, (count) => count === 27)
    const bargeInT = sessionT(sockets.appReceived[26]!.at)
    await recording.stop()
    await recorder.flush()

    // What the server got is what the app sent.
    await waitFor(() => sockets.serverReceived.length, (count) => count === sent.length)
    expect(sockets.serverReceived).toEqual(sent)
    expect(recording.stats.errors).toBe(0)

    const events = await recorder.sessions.events(session.id)
    const blobs = await recorder.sessions.blobs(session.id)
    const read = async (type: 'audio.input' | 'audio.output') => {
      const parts = ofType(events, type)
      const byBlob = new Map<string, Array<Record<string, unknown>>>()
      for (const part of parts) byBlob.set(part.blobId as string, [...(byBlob.get(part.blobId as string) ?? []), part])
      return Promise.all(
        [...byBlob.values()].map(async (own) => {
          const bodies = await Promise.all(own.map((part) => recorder.sessions.blob(session.id, part.blobId as string, part.part as number)))
          const context = new OfflineAudioContext(1, 1, 24_000)
          const decoded = await Promise.all(bodies.map(async (body) => (await context.decodeAudioData(await body!.arrayBuffer())).duration * 1000))
          // Parts follow each other without a gap: each starts where the one before ends.
          own.slice(1).forEach((part, i) => expect(part.startT as number).toBeCloseTo((own[i]!.startT as number) + (own[i]!.durationMs as number), 0))
          return {
            startT: own[0]!.startT as number,
            durationMs: own.reduce((sum, part) => sum + (part.durationMs as number), 0),
            decodedMs: decoded.reduce((sum, ms) => sum + ms, 0),
            pcm: concat(await Promise.all(bodies.map((body) => wavData(body!)))),
            meta: own.map(({ mimeType, sampleRate, part }) => ({ mimeType, sampleRate, part })),
          }
        }),
      )
    }

    const [input, ...extraInput] = await read('audio.input')
    expect(extraInput).toEqual([])
    expect(input!.meta).toEqual([{ mimeType: 'audio/wav', sampleRate: 24_000, part: 0 }, { mimeType: 'audio/wav', sampleRate: 24_000, part: 1 }])
    expect(input!.durationMs).toBe(1500)
    expect(input!.decodedMs).toBeCloseTo(1500, 0)
    expect(sameBytes(input!.pcm, mic)).toBe(true)
    // The first 100 ms ended when the app sent them.
    near(input!.startT, firstSendT - 100)

    const [first, second, ...extraOutput] = await read('audio.output')
    expect(extraOutput).toEqual([])
    expect(first!.durationMs).toBe(2000)
    expect(first!.decodedMs).toBeCloseTo(2000, 0)
    expect(sameBytes(first!.pcm, answer1)).toBe(true)
    near(first!.startT, answer1T)
    // The second answer: from its first delta until the user spoke over it, not the 3 s sent.
    near(second!.startT, answer2T)
    near(second!.startT + second!.durationMs, bargeInT)
    expect(second!.decodedMs).toBeCloseTo(second!.durationMs, 0)
    expect(sameBytes(second!.pcm, answer2.subarray(0, second!.pcm.byteLength))).toBe(true)
    // Every part is an attachment of its track, with its place in time.
    const stored = (blob: { blobId: string; part: number; track?: string; startT?: number; durationMs?: number }) => [blob.blobId, blob.part, blob.track, blob.startT, blob.durationMs]
    const named = [...ofType(events, 'audio.input').map((part) => ({ ...part, track: 'input' })), ...ofType(events, 'audio.output').map((part) => ({ ...part, track: 'output' }))]
    expect(blobs.map(stored).sort()).toEqual(named.map((part) => stored(part as never)).sort())
  }, 30_000)

  test('without audio consent no audio is stored; the rest is recorded as before', async () => {
    const recorder = recorderFor(uniqueDb())
    const session = await recorder.start()
    const sockets = await connect()
    const recording = recordRealtime(recorder, sockets.app)
    sockets.app.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: base64(pcm24k(440, 0.5)) }))
    sockets.control.send(JSON.stringify({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', delta: base64(pcm24k(220, 0.2)) }))
    await waitFor(() => sockets.appReceived.length, (count) => count === 1)
    await recording.stop()
    await recorder.flush()
    expect(await recorder.sessions.blobs(session.id)).toEqual([])
    expect(ofType(await recorder.sessions.events(session.id), 'audio.input')).toEqual([])
  })
})

test('audio that is not base64 is counted in the stats and never thrown into the app', async () => {
  const recorder = recorderFor(uniqueDb(), { consent: { audio: 'none', remember: false } })
  await recorder.start()
  const sockets = await connect()
  const recording = recordRealtime(recorder, sockets.app)
  const heard: unknown[] = []
  sockets.app.addEventListener('message', () => heard.push('received'))
  sockets.app.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: '%%% not base64 %%%' }))
  sockets.control.send(JSON.stringify({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', delta: '%%%' }))
  await waitFor(() => sockets.appReceived.length, (count) => count === 1)
  await recording.stop()
  expect(recording.stats.errors).toBe(2)
  expect(heard).toEqual(['received'])
  await waitFor(() => sockets.serverReceived.length, (count) => count === 1)
})
