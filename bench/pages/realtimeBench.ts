// The realtime bench page (bench/realtime.mjs): the main-thread cost of recordRealtime per
// Realtime event, against the app's own JSON.parse of each event; the cost of a WebSocket
// session's audio (appends and deltas) per second of it; and a two-way WebRTC voice
// session with the mock realtime peer, recorded or not, for the bench to read the renderer's CPU.
import { createRecorder, type Recorder } from '@tapedeck/core'
import { recordRealtime } from '@tapedeck/core/realtime'
import { createMockRealtimePeer } from '../../packages/core/src/realtime/testing/createMockRealtimePeer'
import { CONVERSATION } from '../../packages/core/src/realtime/testing/conversationScript'

/**
 * A stream of server events as a WebRTC voice app receives them: each response a created, 40
 * transcript deltas of a few words, a done and usage; each turn the user's speech events and
 * transcript. ~30 % of the events start or end something, the rest are deltas.
 */
function serverEvents(count: number): string[] {
  const events: string[] = []
  for (let turn = 0; events.length < count; turn++) {
    const user = `item_u${turn}`
    const id = `resp_${turn}`
    const item = `item_a${turn}`
    events.push(JSON.stringify({ type: 'input_audio_buffer.speech_started', event_id: `e${events.length}`, item_id: user, audio_start_ms: turn * 4000 }))
    events.push(JSON.stringify({ type: 'input_audio_buffer.speech_stopped', event_id: `e${events.length}`, item_id: user, audio_end_ms: turn * 4000 + 1500 }))
    events.push(JSON.stringify({ type: 'conversation.item.input_audio_transcription.completed', event_id: `e${events.length}`, item_id: user, content_index: 0, transcript: `Question number ${turn}: what about my order A${1000 + turn}?` }))
    events.push(JSON.stringify({ type: 'response.created', event_id: `e${events.length}`, response: { id, object: 'realtime.response', status: 'in_progress' } }))
    events.push(JSON.stringify({ type: 'output_audio_buffer.started', event_id: `e${events.length}`, response_id: id }))
    for (let i = 0; i < 40; i++) {
      events.push(JSON.stringify({ type: 'response.output_audio_transcript.delta', event_id: `e${events.length}`, response_id: id, item_id: item, output_index: 0, content_index: 0, delta: `word${i} and more ` }))
    }
    events.push(JSON.stringify({ type: 'response.output_audio_transcript.done', event_id: `e${events.length}`, response_id: id, item_id: item, output_index: 0, content_index: 0, transcript: 'the whole answer' }))
    events.push(JSON.stringify({ type: 'response.done', event_id: `e${events.length}`, response: { id, status: 'completed', usage: { input_tokens: 300, output_tokens: 120, input_token_details: { text_tokens: 200, audio_tokens: 100, cached_tokens: 64, cached_tokens_details: { text_tokens: 64 } }, output_token_details: { text_tokens: 30, audio_tokens: 90 } } } }))
    events.push(JSON.stringify({ type: 'output_audio_buffer.stopped', event_id: `e${events.length}`, response_id: id }))
  }
  return events.slice(0, count)
}

/** `ms` of 24 kHz PCM16 noise-like audio, base64, as an append or an audio delta carries it. */
function pcmBase64(ms: number, seed: number): string {
  const bytes = new Uint8Array((24_000 * ms * 2) / 1000)
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + seed * 17) & 0xff
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(text)
}

/**
 * A WebSocket voice session's audio, `seconds` long: the app's microphone as an append every
 * 100 ms, the assistant's answers as a delta every 200 ms (answers of 4 s, each its own item).
 * Sent and received in the order they would be; `client` marks the app's sends.
 */
function audioTraffic(seconds: number): Array<{ client: boolean; data: string }> {
  const append = JSON.stringify({ type: 'input_audio_buffer.append', audio: pcmBase64(100, 1) })
  const traffic: Array<{ client: boolean; data: string }> = []
  for (let ms = 0; ms < seconds * 1000; ms += 100) {
    traffic.push({ client: true, data: append })
    if (ms % 200 === 0) {
      const answer = Math.floor(ms / 4000)
      traffic.push({ client: false, data: JSON.stringify({ type: 'response.output_audio.delta', response_id: `resp_${answer}`, item_id: `item_a${answer}`, output_index: 0, content_index: 0, delta: pcmBase64(200, ms) }) })
    }
  }
  return traffic
}

/** A message transport as recordRealtime sees a WebSocket or data channel: `send`, `message`, `close`. */
class Transport extends EventTarget {
  send(_data: string): void {}
}

const nextTask = () => new Promise<void>((resolve) => {
  const channel = new MessageChannel()
  channel.port1.onmessage = () => resolve()
  channel.port2.postMessage(null)
})

let db = 0

interface Prepared {
  events: MessageEvent[]
  /** The app's sends, by index into the traffic (audio mode); `events` holds the rest. */
  sends?: Array<string | undefined>
  transport: Transport
  parsed: { count: number }
  recorder?: Recorder
  sessionId: string
  dbName: string
  stop(): Promise<void>
}
let prepared: Prepared | undefined

/**
 * `count` server events for the app's `message` listener (which parses them, as every app
 * does), with or without recordRealtime on the transport and a recorder started.
 */
async function prepare(count: number, recorded: boolean, audioSeconds = 0): Promise<void> {
  const traffic = audioSeconds ? audioTraffic(audioSeconds) : serverEvents(count).map((data) => ({ client: false, data }))
  const events = traffic.map(({ client, data }) => (client ? (undefined as unknown as MessageEvent) : new MessageEvent('message', { data })))
  const sends = audioSeconds ? traffic.map(({ client, data }) => (client ? data : undefined)) : undefined
  const transport = new Transport()
  const parsed = { count: 0 }
  transport.addEventListener('message', (event) => {
    const message = JSON.parse((event as MessageEvent).data as string)
    // The app plays an audio delta: it decodes it first.
    if (typeof message.delta === 'string' && message.type === 'response.output_audio.delta') atob(message.delta)
    if (message.type) parsed.count++
  })
  prepared = { events, sends, transport, parsed, sessionId: '', dbName: '', stop: async () => {} }
  if (recorded) {
    prepared.dbName = `bench-realtime-${++db}-${Date.now()}`
    prepared.recorder = createRecorder({ dbName: prepared.dbName, consent: { mode: 'none', audio: 'none' } })
    prepared.sessionId = (await prepared.recorder.start()).id
    await prepared.recorder.flush()
    const recording = recordRealtime(prepared.recorder, transport as unknown as WebSocket)
    prepared.stop = () => recording.stop()
  }
}

/** Delivers the prepared events, `perTask` per task; each slice is timed from its start until the next task starts, so the microtasks it queued count. */
async function burst(perTask: number): Promise<{ msPerEvent: number }> {
  const { events, sends, transport, parsed } = prepared!
  let total = 0
  for (let i = 0; i < events.length; i += perTask) {
    const start = performance.now()
    for (let j = i; j < Math.min(events.length, i + perTask); j++) {
      const send = sends?.[j]
      if (send !== undefined) transport.send(send)
      else transport.dispatchEvent(events[j]!)
    }
    await nextTask()
    total += performance.now() - start
  }
  const received = sends ? sends.filter((send) => send === undefined).length : events.length
  if (parsed.count !== received) throw new Error(`the app parsed ${parsed.count} of ${received}`)
  return { msPerEvent: total / events.length }
}

/** Stops recording and waits until what it recorded is durable (audio held for playback is stored now). */
async function settle(): Promise<void> {
  const { recorder, stop } = prepared!
  if (!recorder) return
  await stop()
  await recorder.flush()
}

/** Settles; how many events the recorder stored, and the ms of audio its parts name. */
async function finish(): Promise<{ recordedEvents: number; audioMs: number }> {
  await settle()
  const { recorder, sessionId, dbName } = prepared!
  prepared = undefined
  if (!recorder) return { recordedEvents: 0, audioMs: 0 }
  const events = await recorder.sessions.events(sessionId)
  const audioMs = events.filter((event) => event.type.startsWith('audio.')).reduce((sum, event) => sum + (event.data as { durationMs: number }).durationMs, 0)
  await recorder.close()
  indexedDB.deleteDatabase(dbName)
  return { recordedEvents: events.length, audioMs }
}

/** One two-way voice session with the mock peer (the scripted conversation, both voices), recorded or not. Resolves when it is over. */
async function session(recorded: boolean): Promise<{ ms: number; events: number }> {
  const start = performance.now()
  const mic = new AudioContext()
  const destination = mic.createMediaStreamDestination()
  const tone = new OscillatorNode(mic, { frequency: 440 })
  tone.connect(new GainNode(mic, { gain: 0.3 })).connect(destination)
  tone.start()
  let recorder: Recorder | undefined
  let sessionId = ''
  let dbName = ''
  const app = new RTCPeerConnection()
  let recording: { stop(): Promise<void> } | undefined
  if (recorded) {
    dbName = `bench-realtime-${++db}-${Date.now()}`
    recorder = createRecorder({ dbName, consent: { mode: 'none', audio: 'none' } })
    sessionId = (await recorder.start()).id
    recording = recordRealtime(recorder, app)
  }
  app.addTrack(destination.stream.getAudioTracks()[0]!, destination.stream)
  const speaker = new Audio()
  app.addEventListener('track', (event) => {
    speaker.srcObject = event.streams[0] ?? new MediaStream([event.track])
    void speaker.play().catch(() => {})
  })
  const channel = app.createDataChannel('oai-events')
  channel.addEventListener('message', (event) => JSON.parse(event.data as string))
  const peer = await createMockRealtimePeer()
  await peer.connect(app)
  await peer.run(CONVERSATION, channel)
  let events = 0
  if (recorder && recording) {
    await recording.stop()
    await recorder.flush()
    events = (await recorder.sessions.events(sessionId)).length
    await recorder.close()
    indexedDB.deleteDatabase(dbName)
  }
  speaker.pause()
  app.close()
  await peer.close()
  await mic.close()
  return { ms: performance.now() - start, events }
}

const bench = { prepare, burst, settle, finish, session }
Object.assign(window, { realtimeBench: bench })
document.getElementById('start')!.addEventListener('click', () => (document.body.dataset.ready = 'true'))
